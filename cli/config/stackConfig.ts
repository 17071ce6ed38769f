import { z } from "zod";
import { IssueCollector, joinPath } from "../../components/errors";
import { validateVaultSettings } from "../../components/vault/validation";
import { VaultFirewallPlan, VaultReader, planVaultFirewall } from "../../components/vault/firewall";
import { vaultReaderOf } from "../../components/vendorConnection/vaultReader";
import { ConnectionPlan, notAnObjectId, planConnection } from "../../components/vendorConnection/validation";
import { checkSweepMode } from "../../components/vendorConnection/sweepMode";
import { isGuid } from "../../components/permissions";
import { parseRevocationCutoff, resolveRevocationCutoff } from "../../components/rotation";
import { CONFIG_KEYS, ConnectionConfig, VaultConfig, connectionSchema, vaultSchema } from "./schema";

export const PROJECT = "vendor-connections";

/** The example stack's configuration, validated. */
export interface StackConfig {
    readonly vault: VaultConfig;
    /** Tenant-wide revocation cutoff (RFC 3339), applied to every connection. */
    readonly revokeIssuedBefore?: string;
    /** Object id of the identity that runs this stack's deploys: an owner of every application and service principal. */
    readonly deployerObjectId?: string;
    /** Connections in the order the configuration lists them. */
    readonly connections: readonly StackConnection[];
    /** Whether any connection sends rotation notices: the vault then needs its Event Grid system topic. */
    readonly needsVaultEvents: boolean;
    /** Whether any connection's credential is a vault key: the vault then defines the key-signer role and lets the deployer make keys. */
    readonly needsVaultKeys: boolean;
    /**
     * The vault firewall's rules: `vault.allowedIpRanges` plus the IPv4 ranges of every certificate
     * connection with readers (see vault/firewall.ts). Undefined when the vault admits every network.
     */
    readonly vaultFirewall: VaultFirewallPlan | undefined;
}

/** One configured connection: the settings its VendorConnection takes, and their judgement. */
export interface StackConnection {
    readonly name: string;
    /** The connection's settings with the tenant-wide cutoff added: what the stack passes to VendorConnection. */
    readonly settings: ConnectionArgs;
    /** `planConnection` of `settings`: the component gets this very plan back instead of judging again. */
    readonly plan: ConnectionPlan;
}

/** A connection's settings as VendorConnection takes them: its own cutoff and the tenant-wide one. */
export type ConnectionArgs = Omit<ConnectionConfig, "revokeIssuedBefore"> & { revokeIssuedBefore?: string[] };

// Connection names become resource names and, by default, the vault secret's name.
const CONNECTION_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/;

/**
 * Validates the raw configuration values of project `vendor-connections` (keys without the
 * project prefix, values as parsed from YAML/JSON) for a deploy at `now`. Every problem is
 * reported at once, each with its config path; nothing is declared until all are fixed.
 */
export function parseStackConfig(raw: Readonly<Record<string, unknown>>, now: Date): StackConfig {
    const issues = new IssueCollector();

    for (const key of Object.keys(raw)) {
        if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
            issues.add(key, `unknown config key ${PROJECT}:${key}; allowed keys: ${CONFIG_KEYS.join(", ")}.`);
        }
    }

    const vault = check(vaultSchema, raw.vault, "vault", issues);
    const vaultSettings = vault ? validateVaultSettings({ ...vault, vaultName: vault.name }, "vault", issues, "name") : undefined;

    // Empty is Pulumi.yaml's declared default for this optional key: no cutoff.
    const stackCutoff = raw.revokeIssuedBefore === "" ? undefined : raw.revokeIssuedBefore;
    const stackCutoffIsValid =
        stackCutoff !== undefined &&
        issues.collect(() => resolveRevocationCutoff([parseRevocationCutoff(stackCutoff, "revokeIssuedBefore")], now, "revokeIssuedBefore")) !== undefined;

    // Empty is Pulumi.yaml's declared default for this optional key: whoever runs each deploy.
    const deployerObjectId = raw.deployerObjectId === "" ? undefined : raw.deployerObjectId;
    if (deployerObjectId !== undefined && (typeof deployerObjectId !== "string" || !isGuid(deployerObjectId))) {
        issues.add("deployerObjectId", notAnObjectId(deployerObjectId));
    }

    // The stack-wide sweep mode, for connections that name none; its declared default is "enforce".
    const stackSweep = checkSweepMode(raw.sweep, "sweep", issues);

    const connections: StackConnection[] = [];
    const vaultReaders: VaultReader[] = [];
    const rawConnections = raw.connections;
    if (rawConnections === undefined) {
        issues.add("connections", "is required: a map from connection name to its settings.");
    } else if (typeof rawConnections !== "object" || rawConnections === null || Array.isArray(rawConnections)) {
        issues.add("connections", "must be a map from connection name to its settings.");
    } else {
        const secretNames = new Map<string, string>();
        for (const [name, value] of Object.entries(rawConnections)) {
            const path = joinPath("connections", name);
            if (!CONNECTION_NAME.test(name)) {
                issues.add(path, `${JSON.stringify(name)} is not a valid connection name; use 1-63 letters, digits and hyphens, starting with a letter or digit.`);
                continue;
            }
            const shape = check(connectionSchema, value, path, issues);
            if (!shape) {
                continue;
            }
            const withSweep = shape.sweep === undefined && raw.sweep !== undefined && stackSweep !== undefined ? { ...shape, sweep: stackSweep } : shape;
            const settings = withStackCutoff(withSweep as ConnectionConfig, stackCutoffIsValid ? (stackCutoff as string) : undefined);
            // Judged once, here, so that every problem names its config path; the stack-wide
            // cutoff was checked above with its own.
            const plan = issues.collect(() => planConnection(name, settings, now, path));
            if (!plan) {
                continue;
            }
            vaultReaders.push(vaultReaderOf(plan, path));
            if (plan.credential.type === "vaultKey" && plan.credential.hardwareProtected && vaultSettings?.sku !== "premium") {
                issues.add(
                    joinPath(joinPath(path, "credential"), "hardwareProtected"),
                    'needs a Premium vault, which holds HSM-protected keys; set vault.sku to "premium", or leave hardwareProtected out.',
                );
            }
            if (plan.secretName !== undefined) {
                const other = secretNames.get(plan.secretName.toLowerCase());
                if (other !== undefined) {
                    issues.add(joinPath(path, "secretName"), `${plan.secretName} is already the secret of connection ${other}; each connection needs its own secret.`);
                }
                secretNames.set(plan.secretName.toLowerCase(), name);
            }
            connections.push({ name, settings, plan });
        }
    }

    const vaultFirewall = planVaultFirewall(vaultSettings?.allowedIpRanges, "vault.allowedIpRanges", vaultReaders, issues);

    issues.throwIfAny();
    return {
        vault: vault!,
        revokeIssuedBefore: stackCutoff as string | undefined,
        deployerObjectId: deployerObjectId as string | undefined,
        connections,
        needsVaultEvents: connections.some(({ plan }) => plan.notify !== undefined),
        needsVaultKeys: connections.some(({ plan }) => plan.credential.type === "vaultKey"),
        vaultFirewall,
    };
}

/**
 * A connection's settings with the tenant-wide cutoff beside its own: the later of the two
 * applies. Its own is kept alone when it does not even parse, so that its problem is reported at
 * its config path rather than as an element of a list the configuration does not have.
 */
function withStackCutoff(settings: ConnectionConfig, stackCutoff: string | undefined): ConnectionArgs {
    const { revokeIssuedBefore: own, ...rest } = settings;
    const cutoffs = stackCutoff === undefined || (own !== undefined && !parsesAsCutoff(own)) ? [own] : [own, stackCutoff];
    const given = cutoffs.filter((cutoff): cutoff is string => cutoff !== undefined);
    return given.length > 0 ? { ...rest, revokeIssuedBefore: given } : rest;
}

function parsesAsCutoff(value: string): boolean {
    try {
        parseRevocationCutoff(value, "");
        return true;
    } catch {
        return false;
    }
}

function check<T>(schema: z.ZodType<T>, value: unknown, path: string, issues: IssueCollector): T | undefined {
    if (value === undefined) {
        issues.add(path, "is required.");
        return undefined;
    }
    const result = schema.safeParse(value);
    if (result.success) {
        return result.data;
    }
    for (const issue of result.error.issues) {
        const issuePath = issue.path.reduce<string>((base, segment) => joinPath(base, segment as string | number), path);
        issues.add(issuePath, describeIssue(issue, value, issue.path));
    }
    return undefined;
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown, path: readonly PropertyKey[]): string {
    if (issue.code === "invalid_type") {
        const received = describeValue(valueAt(root, path));
        return received === "missing" ? `is required (${issue.expected}).` : `must be ${article(issue.expected)}, not ${received}.`;
    }
    return issue.message.endsWith(".") ? issue.message : `${issue.message}.`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    return path.reduce<unknown>((value, key) => (value !== null && typeof value === "object" ? (value as any)[key as any] : undefined), root);
}

function describeValue(value: unknown): string {
    if (value === undefined) {
        return "missing";
    }
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "a list";
    }
    if (typeof value === "object") {
        return "a map";
    }
    return `${typeof value} ${JSON.stringify(value)}`;
}

function article(expected: string): string {
    switch (expected) {
        case "array":
            return "a list";
        case "object":
        case "record":
            return "a map";
        default:
            return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
    }
}
