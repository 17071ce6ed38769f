import * as pulumi from "@pulumi/pulumi";
import type * as azuread from "@pulumi/azuread";
import { Sweep } from "../sweep/resource";
import { toRfc3339 } from "../time";
import type { DeclaredConnection, Stray } from "../sweep/model";
import type { DeclaredConnectionArgs } from "../sweep/resource";
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

/** What a connection's sweep reports, and what it compares the tenant with. */
export interface SweepOutputs {
    /** What the application and service principal hold beyond the declaration (see VendorConnection.strays). */
    readonly strays: pulumi.Output<Stray[]>;
    /** What the stack declares on them, also with `sweep: off`: what `npm run verify` compares with. */
    readonly declared: pulumi.Output<DeclaredConnection>;
}

/**
 * The connection's sweep (docs/security.md#the-sweep), unless its mode is `off`. It depends on
 * every resource that writes the two objects: the azuread key credential resources PATCH the same
 * `keyCredentials` list the sweep PATCHes, so the sweep runs only once they are done, and what the
 * stack is still deleting at the end of the update is passed to it as pending (provider.ts).
 */
export function declareSweep(parent: pulumi.Resource, name: string, plan: ConnectionPlan, swept: SweptResources): SweepOutputs {
    const declared = declaredConnection(plan, swept);
    const asOutput = pulumi.output(declared) as unknown as pulumi.Output<DeclaredConnection>;
    if (plan.sweep === "off") {
        return { strays: pulumi.output([]), declared: asOutput };
    }
    const { application, servicePrincipal, keyCredentials, federatedCredential, consent } = swept;
    const sweep = new Sweep(
        `${name}-sweep`,
        { connection: name, mode: plan.sweep, declared, revokeIssuedBefore: plan.revokeIssuedBefore ? toRfc3339(plan.revokeIssuedBefore) : null },
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
    return { strays, declared: asOutput };
}

function declaredConnection(plan: ConnectionPlan, swept: SweptResources): DeclaredConnectionArgs {
    const { application, servicePrincipal, owners, keyCredentials, federatedCredential, apis } = swept;
    const credential = plan.credential;
    return {
        application: { objectId: application.objectId, keyCredentialThumbprints: keyCredentials.map((k) => k.thumbprint), owners },
        // No certificate is registered on the service principal: the vendor signs in as the application.
        servicePrincipal: { objectId: servicePrincipal.objectId, keyCredentialThumbprints: [], owners },
        federatedCredential:
            credential.type === "federated" && federatedCredential !== undefined
                ? { issuer: credential.issuer, subject: credential.subject, audiences: [...credential.audiences] }
                : null,
        // Every permission the application requires, whether this stack grants it or an admin did
        // in the portal (grantConsent: false): neither is a stray.
        consent: plan.permissions.map((permission) => ({ resourceId: apis.servicePrincipal(permission.apiClientId).objectId, appRoleId: apis.appRoleId(permission) })),
    };
}
