import type { GraphClient } from "../graph/client";
import { unexpectedAnswer } from "../graph/errors";
import type { GraphOperationName } from "../graph/operations";
import type { GraphKeyCredential, GraphPasswordCredential } from "../graph/resources";
import { notBeforeOfKey, thumbprintOfKey } from "./keyIdentity";
import { LiveConnection, LiveKeyCredential, LivePasswordCredential } from "./model";

/** The directory objects of one vendor connection, by object id. */
export interface ConnectionObjects {
    readonly applicationObjectId: string;
    readonly servicePrincipalObjectId: string;
}

/**
 * Everything a sweep compares, read from Graph: both objects' credentials, the application's
 * federated credentials, the service principal's app role assignments and delegated grants, and
 * both owner lists. The reads run together; the client's limiter bounds how many are on the wire.
 */
export async function readLiveConnection(client: GraphClient, objects: ConnectionObjects): Promise<LiveConnection> {
    const { applicationObjectId: app, servicePrincipalObjectId: sp } = objects;
    const [application, federated, applicationOwners, servicePrincipal, assignments, grants, servicePrincipalOwners] = await Promise.all([
        client.getApplication(app),
        client.listFederatedIdentityCredentials(app),
        client.listApplicationOwners(app),
        client.getServicePrincipal(sp),
        client.listAppRoleAssignments(sp),
        client.listOAuth2PermissionGrants(sp),
        client.listServicePrincipalOwners(sp),
    ]);
    return {
        // An object deleted between two of these reads answers 404 to the later ones: gone as a whole.
        application:
            application && federated && applicationOwners
                ? {
                      objectId: app,
                      keyCredentials: liveKeyCredentials("readApplication", `application ${app}`, application.keyCredentials),
                      passwordCredentials: application.passwordCredentials.map(livePassword),
                      federatedIdentityCredentials: federated.map(({ id, name, issuer, subject, audiences }) => ({ id, name, issuer, subject, audiences })),
                      owners: applicationOwners.map((o) => ({ id: o.id, type: o["@odata.type"] ?? null })),
                  }
                : null,
        servicePrincipal:
            servicePrincipal && assignments && servicePrincipalOwners
                ? {
                      objectId: sp,
                      accountEnabled: servicePrincipal.accountEnabled,
                      keyCredentials: liveKeyCredentials("readServicePrincipal", `service principal ${sp}`, servicePrincipal.keyCredentials),
                      passwordCredentials: servicePrincipal.passwordCredentials.map(livePassword),
                      appRoleAssignments: assignments.map((a) => ({
                          id: a.id,
                          resourceId: a.resourceId,
                          appRoleId: a.appRoleId,
                          resourceDisplayName: a.resourceDisplayName ?? null,
                          createdDateTime: a.createdDateTime ?? null,
                      })),
                      oauth2PermissionGrants: grants.map((g) => ({ id: g.id, resourceId: g.resourceId, consentType: g.consentType ?? null, scope: g.scope ?? null })),
                      owners: servicePrincipalOwners.map((o) => ({ id: o.id, type: o["@odata.type"] ?? null })),
                  }
                : null,
    };
}

function livePassword(p: GraphPasswordCredential): LivePasswordCredential {
    return { keyId: p.keyId, displayName: p.displayName ?? null, endDateTime: p.endDateTime ?? null, startDateTime: p.startDateTime ?? null };
}

/**
 * Key credentials with the thumbprint of their certificate. Graph returns each certificate when one
 * object is read with `$select=keyCredentials`; one without it cannot be told from a declared
 * certificate, so the read fails rather than guess either way.
 */
export function liveKeyCredentials(operation: GraphOperationName, target: string, credentials: readonly GraphKeyCredential[]): LiveKeyCredential[] {
    return credentials.map((credential) => {
        if (!credential.key) {
            throw unexpectedAnswer({ operation, target }, `key credential ${credential.keyId} came without its certificate (key), so it cannot be told from a declared one`);
        }
        return {
            keyId: credential.keyId,
            thumbprint: thumbprintOfKey(credential.key),
            certificateNotBefore: notBeforeOfKey(credential.key),
            displayName: credential.displayName ?? null,
            endDateTime: credential.endDateTime ?? null,
            startDateTime: credential.startDateTime ?? null,
            graph: credential,
        };
    });
}
