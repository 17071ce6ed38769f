import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { PlannedCertificate, isRevocationIdentity } from "../rotation";
import { toRfc3339 } from "../time";

/**
 * One slot's key credential on the application: the certificate `certificatePem` (from the
 * Certificate, or from the VaultKeyCertificate of a vault-key connection), valid exactly as the
 * schedule planned it.
 */
export function declareKeyCredential(
    parent: pulumi.Resource,
    name: string,
    planned: PlannedCertificate,
    application: azuread.Application,
    certificatePem: pulumi.Input<string>,
): azuread.ApplicationCertificate {
    return new azuread.ApplicationCertificate(
        `${name}-credential-${planned.slot}`,
        {
            applicationId: application.id,
            type: "AsymmetricX509Cert",
            encoding: "pem",
            value: certificatePem,
            // Exactly the certificate's validity: Entra rejects a key credential that ends after
            // its certificate, and a longer registration would outlive the rotation policy.
            // From the schedule, which the certificate's own dates are: known at preview.
            startDate: toRfc3339(planned.notBefore),
            endDate: toRfc3339(planned.notAfter),
        },
        {
            parent,
            // How a slot's key credential is replaced depends on why its certificate is
            // superseded (a new window, a new policy, a revocation), and Pulumi reads this
            // option from the new registration alone, never the old state, so the new
            // certificate decides:
            // - A revocation identity: the certificate it replaces may have been issued before
            //   the cutoff. Delete first, in the credential's own step: Pulumi defers the
            //   deletes of create-before-delete replacements to the end of an update that
            //   succeeded as a whole, so a failure anywhere else in a large stack would leave
            //   the revoked credential registered (pulumi/pulumi#9979). The slot has no
            //   credential until its successor is registered: revocation comes first.
            // - Anything else (a new window's certificate, one re-issued for a new key size,
            //   lifetime or renewBefore): the old credential is not revoked, and may be the one
            //   the vendor signs in with. Register the successor first (Entra gives it a random
            //   keyId, so both coexist) and delete the old one at the end of the update.
            //   Deleting first would leave the application without a credential, and the vault
            //   publishing a certificate Entra no longer holds, until the successor is
            //   registered, and until a later deploy if that fails (a policy change re-issues
            //   both slots at once). A routine rotation replaces a credential that has expired.
            // What the new certificate cannot tell: a policy change while a revocation
            // identity is still scheduled (until the revoked window's certificate leaves the
            // schedule) re-issues it delete-first too; and in a deploy that both revokes and
            // changes the policy, a slot whose new window opened after the cutoff replaces a
            // credential issued before it create-before-delete, deleted at the end of the
            // update like a slot the revocation drops. Change the policy apart from a revocation.
            // See docs/architecture.md#delete-before-replace-key-credentials.
            deleteBeforeReplace: isRevocationIdentity(planned.identity),
        },
    );
}
