import * as pulumi from "@pulumi/pulumi";

// The deploying identity must own every application and service principal it creates. The azuread
// provider removes the calling principal from the owners it just created unless `owners` names it
// (the azuread Application docs: "always specify one or more application owners, including the
// principal being used to execute" the deployment), and an identity granted only
// Application.ReadWrite.OwnedBy may change nothing it does not own: the next rotation's key
// credential, a consent, a revocation would all be refused
// (https://learn.microsoft.com/graph/permissions-reference#applicationreadwriteownedby).
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
