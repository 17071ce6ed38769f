import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { AllowedNetworksPlan, CONDITIONAL_ACCESS_STATE } from "./networkPolicyPlan";

/**
 * Pins a connection's sign-ins to its networks: a named location with the allowed ranges, and a
 * Conditional Access policy for workload identities that blocks this service principal everywhere
 * else (learn.microsoft.com/entra/identity/conditional-access/workload-identity). Block is the only
 * grant control Entra offers for service principals, so the policy includes every location and
 * excludes the allowed one. It applies to tokens requested with any credential, certificate or
 * federated, and needs a Workload Identities Premium licence in the tenant.
 */
export function declareNetworkPolicy(
    parent: pulumi.Resource,
    name: string,
    displayName: pulumi.Input<string>,
    plan: AllowedNetworksPlan,
    servicePrincipal: azuread.ServicePrincipal,
): void {
    const location = new azuread.NamedLocation(
        `${name}-location`,
        {
            displayName: pulumi.interpolate`${displayName}: allowed networks`,
            // Not trusted: marking it trusted would lower the sign-in risk of every user who signs in
            // from the vendor's networks, which is not what pinning one application is about.
            ip: { ipRanges: [...plan.ipRanges], trusted: false },
        },
        { parent },
    );
    new azuread.ConditionalAccessPolicy(
        `${name}-location-policy`,
        {
            displayName: pulumi.interpolate`${displayName}: block sign-in outside allowed networks`,
            state: CONDITIONAL_ACCESS_STATE[plan.state],
            conditions: {
                // Workload identity policies target service principals, not users.
                users: { includedUsers: ["None"] },
                clientApplications: { includedServicePrincipals: [servicePrincipal.objectId] },
                applications: { includedApplications: ["All"] },
                clientAppTypes: ["all"],
                locations: { includedLocations: ["All"], excludedLocations: [location.objectId] },
            },
            grantControls: { operator: "OR", builtInControls: ["block"] },
        },
        { parent },
    );
}
