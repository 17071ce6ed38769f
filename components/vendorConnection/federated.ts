import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { toRfc3339 } from "../time";
import { FederatedCredentialPlan } from "./federatedPlan";

/**
 * The federated identity credential that lets the vendor's workload (issuer + subject) sign in as
 * this connection's application. Declared only while trusted: suspension and revocation remove it,
 * so tokens from that issuer and subject are refused from the next deploy on.
 */
export function declareFederatedCredential(
    parent: pulumi.Resource,
    name: string,
    plan: FederatedCredentialPlan,
    application: azuread.Application,
): azuread.ApplicationFederatedIdentityCredential | undefined {
    if (plan.state !== "trusted") {
        return undefined;
    }
    return new azuread.ApplicationFederatedIdentityCredential(
        `${name}-federated`,
        {
            applicationId: application.id,
            displayName: plan.credentialName,
            description: `Trusted from ${toRfc3339(plan.trustedFrom)}; a revocation cutoff after that removes it (vendor-connections).`,
            issuer: plan.issuer,
            subject: plan.subject,
            audiences: [...plan.audiences],
        },
        { parent },
    );
}
