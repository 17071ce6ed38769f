import type { ExpectedConnection } from "../../components/vendorConnection/expected";
import type { GraphStandIn, StoredKeyCredential, TestCertificate } from "./graphStandIn";

// A vendor connection as a deploy leaves it in the stand-in Graph: its certificate registered on
// the application, the deployer owning both objects, the declared app role granted, nothing else.

export interface StandInConnection {
    readonly applicationObjectId: string;
    readonly servicePrincipalObjectId: string;
    readonly certificate: TestCertificate;
    readonly owner: string;
    readonly consent: { readonly resourceId: string; readonly appRoleId: string };
}

export function keyCredentialOf(keyId: string, certificate: TestCertificate, startDateTime = "2026-11-01T00:00:00Z"): StoredKeyCredential {
    return {
        keyId,
        key: certificate.keyBase64,
        customKeyIdentifier: null,
        displayName: "CN=acme",
        type: "AsymmetricX509Cert",
        usage: "Verify",
        startDateTime,
        endDateTime: "2026-12-31T00:00:00Z",
    };
}

/** A value no test may ever see in a report: the stand-in vault's secret values. */
export const SECRET_VALUE = "MIIKstand-in-pkcs12-never-read";

/** The connection in the stand-in Graph and, given its secret's name, its certificate published in the stand-in vault. */
export function addConnection(standIn: GraphStandIn, connection: StandInConnection, secretName?: string): void {
    const { applicationObjectId: app, servicePrincipalObjectId: sp, certificate, owner, consent } = connection;
    if (secretName !== undefined) {
        standIn.vaultSecrets.set(secretName, { enabled: true, tags: { thumbprintSha1: certificate.thumbprint }, value: SECRET_VALUE });
    }
    standIn.tenant.applications.set(app, {
        keyCredentials: [keyCredentialOf(`c${app.slice(1)}`, certificate)],
        passwordCredentials: [],
        federatedIdentityCredentials: [],
        owners: [{ id: owner, type: "servicePrincipal" }],
    });
    standIn.tenant.servicePrincipals.set(sp, {
        accountEnabled: true,
        keyCredentials: [],
        passwordCredentials: [],
        appRoleAssignments: [{ id: `ara-${sp}`, ...consent, resourceDisplayName: "Microsoft Graph", principalId: sp }],
        owners: [{ id: owner, type: "servicePrincipal" }],
    });
}

/**
 * What the stack's `verify` output says of such a connection (components/vendorConnection/expected.ts),
 * with its active certificate valid until `activeNotAfter` and renewed 10 days before.
 */
export function expectedOf(connection: StandInConnection, secretName: string, nextRotation: string, activeNotAfter: string): ExpectedConnection {
    const { applicationObjectId, servicePrincipalObjectId, certificate, owner, consent } = connection;
    return {
        sweep: "enforce",
        declared: {
            application: { objectId: applicationObjectId, keyCredentialThumbprints: [certificate.thumbprint], owners: [owner] },
            servicePrincipal: { objectId: servicePrincipalObjectId, keyCredentialThumbprints: [], owners: [owner] },
            federatedCredential: null,
            consent: [consent],
        },
        suspended: false,
        nextRotation,
        renewBeforeMs: 10 * 24 * 3_600_000,
        activeThumbprint: certificate.thumbprint,
        activeNotAfter,
        secretName,
        keyName: null,
        keyVersions: [],
    };
}
