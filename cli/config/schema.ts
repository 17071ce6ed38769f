import { z } from "zod";
import type { VendorConnectionArgs } from "../../components/vendorConnection/vendorConnection";

// The shape of the stack configuration (project `vendor-connections`). zod checks types and
// unknown keys with exact paths; the meaning of values (durations, permissions, instants, IP
// ranges) is checked afterwards by the same validators the components use, so a value is judged
// the same way whether it comes from config or from code.

function strict<T extends z.ZodRawShape>(shape: T) {
    const allowed = Object.keys(shape).join(", ");
    return z.strictObject(shape, {
        error: (issue) =>
            issue.code === "unrecognized_keys"
                ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}; allowed keys: ${allowed}.`
                : undefined,
    });
}

const text = z.string();
const texts = z.array(z.string());

export const permissionSchema = strict({ api: text, roles: texts });

export const certificatePolicySchema = strict({
    lifetime: text.optional(),
    renewBefore: text.optional(),
    keySize: z.number().optional(),
});

// Every credential type's keys: which apply to the type given is judged by the components.
export const credentialSchema = strict({
    type: text,
    issuer: text.optional(),
    subject: text.optional(),
    audiences: texts.optional(),
    trustedFrom: text.optional(),
    hardwareProtected: z.boolean().optional(),
});

export const notifySchema = strict({ webhookUrl: text });

export const connectionSchema = strict({
    displayName: text.optional(),
    owners: texts.optional(),
    notes: text.optional(),
    permissions: z.array(permissionSchema),
    grantConsent: z.boolean().optional(),
    certificate: certificatePolicySchema.optional(),
    readers: texts.optional(),
    revokeIssuedBefore: text.optional(),
    suspended: z.boolean().optional(),
    secretName: text.optional(),
    credential: credentialSchema.optional(),
    allowedIpRanges: texts.optional(),
    allowedIpRangesState: text.optional(),
    readerIpRanges: texts.optional(),
    notify: notifySchema.optional(),
    sweep: text.optional(),
});

export const vaultSchema = strict({
    resourceGroupName: text,
    location: text.optional(),
    name: text.optional(),
    createResourceGroup: z.boolean().optional(),
    allowedIpRanges: texts.optional(),
    softDeleteRetentionInDays: z.number().optional(),
    auditLogWorkspaceId: text.optional(),
    sku: text.optional(),
    deployerPrincipalType: text.optional(),
    tags: z.record(z.string(), z.string()).optional(),
});

export type PermissionConfig = z.infer<typeof permissionSchema>;
/**
 * A connection's settings once validated. The schema leaves `credential`,
 * `allowedIpRangesState` and `sweep` loose (any string) so that their values are judged by the components' own
 * validators, with the same messages; after that they have VendorConnection's exact types.
 */
export type ConnectionConfig = Omit<z.infer<typeof connectionSchema>, "credential" | "allowedIpRangesState" | "sweep"> &
    Pick<VendorConnectionArgs, "credential" | "allowedIpRangesState" | "sweep">;
export type VaultConfig = z.infer<typeof vaultSchema>;

/** The config keys of project `vendor-connections`, without the project prefix. */
export const CONFIG_KEYS = ["vault", "connections", "revokeIssuedBefore", "deployerObjectId", "sweep"] as const;
