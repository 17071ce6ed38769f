import type { DeclaredConnection, PendingKeyCredentials, Stray } from "./model";

// What the Sweep dynamic resource keeps in state, shared by its serialized provider (provider.ts),
// its compiled runtime (providerRuntime.ts) and the component that declares it (resource.ts).
// Types only, and constants the provider copies: provider.ts may import nothing at run time.

/** The sweep modes that declare a resource (`off` declares none). */
export type SweepResourceMode = "enforce" | "report";

/** The inputs the program gives: which connection, how, and what its stack declares. */
export interface SweepResourceArgs {
    readonly connection: string;
    readonly mode: SweepResourceMode;
    readonly declared: DeclaredConnection;
    /** The connection's revocation cutoff (RFC 3339): a certificate issued before it is never pending. Null: none. */
    readonly revokeIssuedBefore?: string | null;
}

/**
 * The inputs once `check` has looked at the tenant: what it found is part of the inputs, so that
 * a preview shows each stray as a changed property, and an unchanged tenant an unchanged resource.
 */
export interface SweepResourceInputs extends SweepResourceArgs {
    /** Key credentials the stack is deleting in this deploy (declared before, not now): kept. */
    readonly pending?: PendingKeyCredentials;
    /** What the tenant holds that the stack does not declare; the unknown value when check could not tell. */
    readonly strays?: readonly Stray[] | string;
    /** Why check could not tell (the update then reads again, and fails with the same reason). */
    readonly unreadable?: string;
}

export interface SweepResourceOutputs extends SweepResourceInputs {
    /** `enforce`: none left after the sweep; `report`: every stray found. */
    readonly strays: readonly Stray[];
    /** What the last sweep removed, in the order it did (empty in report mode). */
    readonly removed: readonly Stray[];
    /** Objects Graph no longer has (deleted outside the stack): nothing on them could be swept. */
    readonly missing: readonly string[];
}

/**
 * How the provider host finds the runtime: this package's own name and the subpath its
 * package.json `exports` maps to the compiled runtime, resolved from the project directory the
 * host runs in.
 */
export const SWEEP_RUNTIME_SPECIFIER = "vendor-connections/sweep-provider-runtime";

/** Pulumi's wire spelling of a value not known until the update (as in preview). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
