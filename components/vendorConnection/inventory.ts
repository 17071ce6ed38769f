import * as pulumi from "@pulumi/pulumi";
import { toRfc3339 } from "../time";
import type { VendorConnection } from "./vendorConnection";

/** What a stack reports about one connection: who it is, what it may do, which credentials it has. */
export interface ConnectionInventory {
    displayName: string;
    applicationClientId: string;
    servicePrincipalObjectId: string;
    secretUri: string;
    permissions: { api: string; role: string; broad: boolean }[];
    broadPermissions: string[];
    suspended: boolean;
    revokeIssuedBefore: string | null;
    nextRotation: string | null;
    activeThumbprint: string | null;
    certificates: { slot: string; identity: string; thumbprint: string; notBefore: string; notAfter: string; active: boolean }[];
}

/** A connection's inventory as one plain (non-secret) Output, for stack outputs and plans. */
export function inventoryOf(connection: VendorConnection): pulumi.Output<ConnectionInventory> {
    const { plan } = connection;
    return pulumi
        .all([
            connection.displayName,
            connection.applicationClientId,
            connection.servicePrincipalObjectId,
            connection.secretUri,
            connection.broadPermissions,
            connection.nextRotation,
            connection.activeThumbprint,
            connection.certificates,
        ])
        .apply(([name, clientId, spObjectId, secretUri, broad, nextRotation, activeThumbprint, certificates]) => ({
            displayName: name,
            applicationClientId: clientId,
            servicePrincipalObjectId: spObjectId,
            secretUri,
            permissions: plan.permissions.map((p) => ({ api: p.api, role: p.role, broad: p.broad })),
            broadPermissions: broad,
            suspended: plan.suspended,
            revokeIssuedBefore: plan.revokeIssuedBefore ? toRfc3339(plan.revokeIssuedBefore) : null,
            nextRotation: nextRotation ?? null,
            activeThumbprint: activeThumbprint ?? null,
            certificates,
        }));
}
