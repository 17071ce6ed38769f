import { z } from "zod";
import type { ExpectedConnection } from "../../components/vendorConnection/expected";

// Reads what `pulumi stack output --json --show-secrets=false` writes for the example stack: its
// `verify` output, one ExpectedConnection per connection (index.ts). Nothing in it is secret.

const text = z.string();
const declaredObject = z.object({ objectId: text, keyCredentialThumbprints: z.array(text), owners: z.array(text) });
const expectedConnection = z.object({
    sweep: z.enum(["enforce", "report", "off"]),
    declared: z.object({
        application: declaredObject,
        servicePrincipal: declaredObject,
        federatedCredential: z.object({ issuer: text, subject: text, audiences: z.array(text) }).nullable(),
        consent: z.array(z.object({ resourceId: text, appRoleId: text })),
    }),
    suspended: z.boolean(),
    nextRotation: text.nullable(),
    renewBeforeMs: z.number().nullable(),
    activeThumbprint: text.nullable(),
    activeNotAfter: text.nullable(),
    secretName: text.nullable(),
    // Outputs of a stack deployed before vault-key connections were verified lack these two: such a
    // connection is then checked in Graph alone, as before.
    keyName: text.nullable().default(null),
    keyVersions: z.array(z.object({ keyId: text, thumbprintSha256: text })).default([]),
});

export interface VerifyTarget {
    readonly name: string;
    readonly expected: ExpectedConnection;
}

/** The stack outputs could not be used: names the file and the key, and what was expected. */
export class StackOutputsError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackOutputsError";
    }
}

export interface StackOutputs {
    /** The vault that holds the connections' secrets (the example stack's `vaultUri`), when exported. */
    readonly vaultUri: string | undefined;
    readonly targets: readonly VerifyTarget[];
}

export function parseStackOutputs(content: string, file: string): StackOutputs {
    let outputs: unknown;
    try {
        outputs = JSON.parse(content);
    } catch {
        throw new StackOutputsError(`${file} is not JSON; write it with \`pulumi stack output --json --show-secrets=false > ${file}\`.`);
    }
    const verify = (outputs as { verify?: unknown } | null)?.verify;
    if (typeof verify !== "object" || verify === null || Array.isArray(verify)) {
        throw new StackOutputsError(`${file} has no \`verify\` output (a map from connection name to what it should hold); deploy the stack with this version of index.ts first.`);
    }
    const vaultUri = (outputs as { vaultUri?: unknown }).vaultUri;
    if (vaultUri !== undefined && typeof vaultUri !== "string") {
        throw new StackOutputsError(`${file}: vaultUri must be the vault's URI (https://<name>.vault.azure.net/).`);
    }
    const targets = Object.entries(verify).map(([name, value]) => {
        const parsed = expectedConnection.safeParse(value);
        if (!parsed.success) {
            const issue = parsed.error.issues[0];
            throw new StackOutputsError(`${file}: verify.${[name, ...issue.path].join(".")}: ${issue.message}.`);
        }
        return { name, expected: parsed.data };
    });
    return { vaultUri, targets };
}
