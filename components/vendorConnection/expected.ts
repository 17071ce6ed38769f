import * as pulumi from "@pulumi/pulumi";
import type { DeclaredConnection } from "../sweep/model";
import type { SweepMode } from "./choices";
import type { VendorConnection } from "./vendorConnection";

/**
 * What a connection should look like between deploys, as plain values for a stack output: what
 * `npm run verify` compares the tenant with (cli/verify). No key material.
 */
export interface ExpectedConnection {
    readonly sweep: SweepMode;
    readonly declared: DeclaredConnection;
    readonly suspended: boolean;
    /** RFC 3339; null while suspended. */
    readonly nextRotation: string | null;
    /** The policy's renewBefore, in milliseconds; null for a federated connection. */
    readonly renewBeforeMs: number | null;
    readonly activeThumbprint: string | null;
    /** RFC 3339 end of the active certificate. */
    readonly activeNotAfter: string | null;
    /** The vault secret; null unless the credential is a certificate. */
    readonly secretName: string | null;
    /** The connection's Key Vault key; null unless the credential is a vault key. */
    readonly keyName: string | null;
    /**
     * Vault key only: the key versions of the certificates the stack holds now (one, or two during
     * an overlap), the only versions that should be enabled. Empty otherwise, and while suspended.
     */
    readonly keyVersions: readonly ExpectedKeyVersion[];
}

/** A key version the stack holds as a current certificate. */
export interface ExpectedKeyVersion {
    /** The versioned key id, `https://<vault>/keys/<name>/<version>`. */
    readonly keyId: string;
    /** Its certificate's `x5t#S256`, which the version's `x5t-S256` tag should carry. */
    readonly thumbprintSha256: string;
}

export function expectedStateOf(connection: VendorConnection): pulumi.Output<ExpectedConnection> {
    const { plan } = connection;
    return pulumi
        .all([connection.declared, connection.nextRotation, connection.certificates, connection.secretName])
        .apply(([declared, nextRotation, certificates, secretName]) => {
            const active = certificates.find((c) => c.active);
            return {
                sweep: plan.sweep,
                declared,
                suspended: plan.suspended,
                nextRotation: nextRotation ?? null,
                renewBeforeMs: plan.policy?.renewBeforeMs ?? null,
                activeThumbprint: active?.thumbprint ?? null,
                activeNotAfter: active?.notAfter ?? null,
                secretName: secretName ?? null,
                keyName: plan.credential.type === "vaultKey" ? plan.credential.keyName : null,
                keyVersions: certificates.flatMap(({ keyId, thumbprintSha256 }) => (keyId !== undefined && thumbprintSha256 !== undefined ? [{ keyId, thumbprintSha256 }] : [])),
            };
        });
}
