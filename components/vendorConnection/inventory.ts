import * as pulumi from "@pulumi/pulumi";
import { toRfc3339 } from "../time";
import { redactUrl } from "../url";
import type { CredentialPlan } from "./credentialPlan";
import type { FederatedCredentialState } from "./federatedPlan";
import type { AllowedIpRangesState, SweepMode } from "./choices";
import type { ConnectionPlan } from "./validation";
import type { VendorConnection } from "./vendorConnection";

/** How a connection signs in, as reported: certificates, a federated trust and its state, or certificates whose key is a vault key. */
export type CredentialInventory =
    | { type: "certificate" }
    | { type: "federated"; issuer: string; subject: string; audiences: string[]; trustedFrom: string; state: FederatedCredentialState }
    | { type: "vaultKey"; keyName: string; hardwareProtected: boolean; signers: string[] };

/** Defense-in-depth settings of a connection, as plans and stack outputs show them. */
export interface DefenseInventory {
    credential: CredentialInventory;
    /** The networks sign-ins are pinned to, or null when sign-in is allowed from anywhere. */
    allowedIpRanges: { ranges: string[]; state: AllowedIpRangesState } | null;
    /** Rotation notices: the webhook without its query (it may hold a key), and the event types. */
    notify: { webhook: string; events: string[] } | null;
    /** What every deploy does with what the stack does not declare on the application and service principal. */
    sweep: SweepMode;
}

/** What a stack reports about one connection: who it is, what it may do, which credentials it has. */
export interface ConnectionInventory extends DefenseInventory {
    displayName: string;
    applicationClientId: string;
    servicePrincipalObjectId: string;
    /** Null unless the credential is a certificate: only those have a vault secret. */
    secretUri: string | null;
    /** The vault key's stable id for a vault-key connection; null otherwise. */
    keyUri: string | null;
    permissions: { api: string; role: string; broad: boolean }[];
    broadPermissions: string[];
    suspended: boolean;
    revokeIssuedBefore: string | null;
    nextRotation: string | null;
    activeThumbprint: string | null;
    /** As the connection's `certificates` output: a vault-key connection's also name their key versions (keyId, thumbprintSha256). */
    certificates: { slot: string; identity: string; thumbprint: string; notBefore: string; notAfter: string; active: boolean; keyId?: string; thumbprintSha256?: string }[];
}

/** A connection's inventory as one plain (non-secret) Output, for stack outputs and plans. */
export function inventoryOf(connection: VendorConnection): pulumi.Output<ConnectionInventory> {
    const { plan } = connection;
    return pulumi
        .all([
            connection.displayName,
            connection.applicationClientId,
            connection.servicePrincipalObjectId,
            // Where the vendor finds its credential: the secret, or the vault key.
            pulumi.all([connection.secretUri, connection.keyUri]),
            connection.broadPermissions,
            connection.nextRotation,
            connection.activeThumbprint,
            connection.certificates,
        ])
        .apply(([name, clientId, spObjectId, [secretUri, keyUri], broad, nextRotation, activeThumbprint, certificates]) => ({
            displayName: name,
            applicationClientId: clientId,
            servicePrincipalObjectId: spObjectId,
            secretUri: secretUri ?? null,
            keyUri: keyUri ?? null,
            ...defenseInventory(plan),
            permissions: plan.permissions.map((p) => ({ api: p.api, role: p.role, broad: p.broad })),
            broadPermissions: broad,
            suspended: plan.suspended,
            revokeIssuedBefore: plan.revokeIssuedBefore ? toRfc3339(plan.revokeIssuedBefore) : null,
            nextRotation: nextRotation ?? null,
            activeThumbprint: activeThumbprint ?? null,
            certificates,
        }));
}

/** The defense-in-depth part of a connection's inventory: plain values from its plan. */
export function defenseInventory(plan: ConnectionPlan): DefenseInventory {
    const { credential, allowedNetworks, notify } = plan;
    return {
        credential: credentialInventory(credential, plan),
        allowedIpRanges: allowedNetworks ? { ranges: [...allowedNetworks.ipRanges], state: allowedNetworks.state } : null,
        notify: notify ? { webhook: redactUrl(notify.webhookUrl), events: [...notify.eventTypes] } : null,
        sweep: plan.sweep,
    };
}

function credentialInventory(credential: CredentialPlan, plan: ConnectionPlan): CredentialInventory {
    switch (credential.type) {
        case "certificate":
            return { type: "certificate" };
        case "federated":
            return {
                type: "federated",
                issuer: credential.issuer,
                subject: credential.subject,
                audiences: [...credential.audiences],
                trustedFrom: toRfc3339(credential.trustedFrom),
                state: credential.state,
            };
        case "vaultKey":
            // The readers sign with the key; none while suspended, when their assignments are removed.
            return { type: "vaultKey", keyName: credential.keyName, hardwareProtected: credential.hardwareProtected, signers: plan.suspended ? [] : [...plan.readers] };
    }
}
