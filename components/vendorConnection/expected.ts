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
    /** The vault secret; null for a federated connection. */
    readonly secretName: string | null;
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
            };
        });
}
