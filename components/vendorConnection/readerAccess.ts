import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";

/**
 * Grants each reader `roleDefinitionId` at `scope` alone (one connection's secret, or its key), so
 * that a reader of one vendor's credential reaches no other. `kind` names the resources
 * (`reader`, `signer`): a name is part of the resource's identity, so it never changes.
 */
export function declareReaderAssignments(
    parent: pulumi.Resource,
    name: string,
    kind: string,
    readers: readonly string[],
    roleDefinitionId: pulumi.Input<string>,
    scope: pulumi.Input<string>,
    opts: pulumi.CustomResourceOptions = {},
): void {
    for (const reader of readers) {
        new authorization.RoleAssignment(
            `${name}-${kind}-${reader}`,
            {
                principalId: reader,
                // Readers are vendor identities (service principals or managed identities).
                // Saying so lets ARM skip the directory lookup that fails with
                // PrincipalNotFound for principals created moments before.
                principalType: "ServicePrincipal",
                roleDefinitionId,
                scope,
            },
            { ...opts, parent },
        );
    }
}
