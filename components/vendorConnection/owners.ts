import * as pulumi from "@pulumi/pulumi";

// The deploying identity must own every application and service principal it creates. The azuread
// provider removes the calling principal from the owners it just created unless `owners` names it
// (the azuread Application docs: "always specify one or more application owners, including the
// principal being used to execute" the deployment), and an identity granted only
// Application.ReadWrite.OwnedBy may change nothing it does not own: the next rotation's key
// credential, a consent, a revocation would all be refused
// (https://learn.microsoft.com/graph/permissions-reference#applicationreadwriteownedby).
// The deployer is the identity that runs the stack's deploys (deployerObjectId), not whoever runs
// this one: were it the caller, a deploy run from an engineer's laptop would make the engineer the
// owner and drop the pipeline's identity, and the next scheduled deploy would be refused.
//
// Always setting `owners` also makes azuread's owner list exclusive: an owner added outside the
// stack is removed by the next deploy that refreshes (a deploy compares with the state, where an
// owner added outside never appears without a refresh).

/**
 * The owners to declare: the declared ones plus the deploying identity, once each (object ids are
 * compared case-insensitively), sorted so that the order of the configuration never shows as a diff.
 */
export function mergeOwners(declared: readonly string[], deployer: string): string[] {
    const byKey = new Map<string, string>();
    for (const id of [...declared, deployer]) {
        byKey.set(id.toLowerCase(), id.toLowerCase());
    }
    return [...byKey.values()].sort();
}

/** `mergeOwners` over Inputs: the declared owners may be other resources' outputs. */
export function ownersWithDeployer(declared: pulumi.Input<pulumi.Input<string>[]> | undefined, deployer: pulumi.Input<string>): pulumi.Output<string[]> {
    return pulumi.all([pulumi.output(declared ?? []), deployer]).apply(([owners, self]) => mergeOwners(owners, self));
}

/**
 * Warns when this deploy runs as another identity than the named deployer: the deployer stays the
 * owner, so the caller changes the applications through a directory role, not through ownership.
 */
export function warnWhenNotTheDeployer(caller: pulumi.Input<string>, deployer: pulumi.Input<string>, resource: pulumi.Resource): void {
    pulumi.all([caller, deployer]).apply(([callerId, deployerId]) => {
        if (callerId.toLowerCase() !== deployerId.toLowerCase()) {
            void pulumi.log.warn(
                `this deploy runs as ${callerId}, not as the deployer ${deployerId} (deployerObjectId), which stays the owner: ` +
                    "the running identity needs a role that may change applications it does not own (e.g. Application Administrator).",
                resource,
            );
        }
    });
}
