import * as pulumi from "@pulumi/pulumi";
import type { Stray } from "./model";
import { sweepProvider } from "./provider";
import type { SweepResourceMode } from "./providerModel";

/**
 * The Sweep's type token. Permanent: changing it (or the module/type passed to dynamic.Resource
 * below) would delete and recreate every sweep (docs/architecture.md#component-design-rules).
 */
export const SWEEP_RESOURCE_TYPE = "pulumi-nodejs:dynamic/vendor-connections:Sweep";

/** What one directory object should hold, as Inputs (the ids and thumbprints come from other resources). */
export interface DeclaredObjectArgs {
    readonly objectId: pulumi.Input<string>;
    readonly keyCredentialThumbprints: readonly pulumi.Input<string>[];
    readonly owners: pulumi.Input<readonly string[]>;
}

/** A connection's declared state (model.ts DeclaredConnection), as Inputs. */
export interface DeclaredConnectionArgs {
    readonly application: DeclaredObjectArgs;
    readonly servicePrincipal: DeclaredObjectArgs;
    readonly federatedCredential: { readonly issuer: string; readonly subject: string; readonly audiences: readonly string[] } | null;
    readonly consent: readonly { resourceId: pulumi.Input<string>; appRoleId: pulumi.Input<string> }[];
}

export interface SweepArgs {
    /** The vendor connection's name, for messages. */
    readonly connection: string;
    readonly mode: SweepResourceMode;
    readonly declared: DeclaredConnectionArgs;
    /** The connection's revocation cutoff, RFC 3339, or null. */
    readonly revokeIssuedBefore?: string | null;
}

/**
 * Converges one connection's application and service principal to what its stack declares, on
 * every deploy: the provider (provider.ts) reads them through Microsoft Graph and, in `enforce`
 * mode, removes everything else; in `report` mode it lists it. Its resource options must make it
 * run after every resource that writes the same objects (components/vendorConnection/sweep.ts).
 */
export class Sweep extends pulumi.dynamic.Resource {
    /** enforce: none after the update; report: everything found that the stack does not declare. */
    declare public readonly strays: pulumi.Output<Stray[]>;
    /** What the last sweep removed. */
    declare public readonly removed: pulumi.Output<Stray[]>;
    /** Objects Graph no longer has. */
    declare public readonly missing: pulumi.Output<string[]>;

    constructor(name: string, args: SweepArgs, opts?: pulumi.CustomResourceOptions) {
        // The nested Inputs go as they are, not through pulumi.output: a preview then leaves
        // unknown only what is (a certificate being created), not the whole declaration.
        super(
            sweepProvider,
            name,
            { strays: undefined, removed: undefined, missing: undefined, pending: undefined, unreadable: undefined, ...args },
            opts,
            "vendor-connections",
            "Sweep",
        );
    }
}
