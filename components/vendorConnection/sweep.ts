import * as pulumi from "@pulumi/pulumi";
import type * as azuread from "@pulumi/azuread";
import { Sweep } from "../sweep/resource";
import type { Stray } from "../sweep/model";
import type { ApiLookup } from "./apiPermissions";
import type { ConnectionPlan } from "./validation";

/** The resources of a connection that write its application and service principal. */
export interface SweptResources {
    readonly application: azuread.Application;
    readonly servicePrincipal: azuread.ServicePrincipal;
    /** Owners of both objects, the deployer included (owners.ts). */
    readonly owners: pulumi.Output<string[]>;
    /** Each key credential with the thumbprint of the certificate it registers. */
    readonly keyCredentials: readonly { readonly thumbprint: pulumi.Output<string>; readonly resource: azuread.ApplicationCertificate }[];
    readonly federatedCredential: azuread.ApplicationFederatedIdentityCredential | undefined;
    readonly consent: readonly azuread.AppRoleAssignment[];
    readonly apis: ApiLookup;
}

/**
 * The connection's sweep (docs/security.md#the-sweep), unless its mode is `off`. It depends on
 * every resource that writes the two objects: the azuread key credential resources PATCH the same
 * `keyCredentials` list the sweep PATCHes, so the sweep runs only once they are done, and what the
 * stack is still deleting at the end of the update is passed to it as pending (provider.ts).
 * Returns the strays the connection's outputs list (none for `off`).
 */
export function declareSweep(parent: pulumi.Resource, name: string, plan: ConnectionPlan, swept: SweptResources): pulumi.Output<Stray[]> {
    if (plan.sweep === "off") {
        return pulumi.output([]);
    }
    const { application, servicePrincipal, owners, keyCredentials, federatedCredential, consent, apis } = swept;
    const credential = plan.credential;
    const sweep = new Sweep(
        `${name}-sweep`,
        {
            connection: name,
            mode: plan.sweep,
            declared: {
                application: { objectId: application.objectId, keyCredentialThumbprints: keyCredentials.map((k) => k.thumbprint), owners },
                // No certificate is registered on the service principal: the vendor signs in as the application.
                servicePrincipal: { objectId: servicePrincipal.objectId, keyCredentialThumbprints: [], owners },
                federatedCredential:
                    credential.type === "federated" && federatedCredential !== undefined
                        ? { issuer: credential.issuer, subject: credential.subject, audiences: [...credential.audiences] }
                        : null,
                // Every permission the application requires, whether this stack grants it or an
                // admin did in the portal (grantConsent: false): neither is a stray.
                consent: plan.permissions.map((permission) => ({ resourceId: apis.servicePrincipal(permission.apiClientId).objectId, appRoleId: apis.appRoleId(permission) })),
            },
        },
        {
            parent,
            dependsOn: [application, servicePrincipal, ...keyCredentials.map((k) => k.resource), ...(federatedCredential ? [federatedCredential] : []), ...consent],
        },
    );
    const strays = sweep.strays.apply((found) => found ?? []);
    if (plan.sweep === "report") {
        strays.apply((found) => {
            if (found.length > 0) {
                void pulumi.log.warn(
                    `${found.length} item${found.length === 1 ? "" : "s"} on this connection's application and service principal ` +
                        `${found.length === 1 ? "is" : "are"} not declared by the stack (sweep: report, so nothing is removed): ` +
                        found.map((s) => `${s.object} ${s.kind} ${s.id}: ${s.description}`).join("; "),
                    parent,
                );
            }
        });
    }
    return strays;
}
