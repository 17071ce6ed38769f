import { GraphClient, GraphClientOptions } from "../graph/client";
import { keptForProcess } from "../processGlobal";
import { sweepConnection } from "./execute";
import { normalizeThumbprint } from "./keyIdentity";
import { DeclaredAppRole, DeclaredConnection, NO_PENDING_KEY_CREDENTIALS, PendingKeyCredentials, Stray, SweptObject } from "./model";
import { SweepResourceInputs, SweepResourceOutputs, UNKNOWN_VALUE } from "./providerModel";

// The Sweep provider's runtime: compiled into the package (dist/sweep/providerRuntime.js, exported
// as `vendor-connections/sweep-provider-runtime`) and loaded by the serialized provider
// (provider.ts) inside Pulumi's dynamic provider host. Everything that talks to Graph is here.

/**
 * Graph client options for this process, when something other than the environment must decide
 * them: tests point the runtime at their stand-in Graph (its origin, a token, an agent trusting its
 * CA) by setting this global before the provider runs. Unset in a deploy: the endpoints come from
 * the environment and the token from the deploying identity (components/graph).
 */
export const GRAPH_OPTIONS_GLOBAL = Symbol.for("vendor-connections.sweep.graphClientOptions");
const CLIENT_GLOBAL = Symbol.for("vendor-connections.sweep.graphClient");

/**
 * The provider's `check`: the program's inputs plus what the tenant holds that they do not declare.
 * Read-only. When the tenant cannot be read now (objects not created yet, an identity without the
 * permission at preview time), the strays are unknown and `unreadable` says why; the update reads
 * again and fails with that reason, so an enforced sweep is never skipped silently.
 */
export async function checkSweep(olds: Partial<SweepResourceInputs> | undefined, news: SweepResourceInputs): Promise<SweepResourceInputs> {
    const { connection, mode, declared } = news;
    const revokeIssuedBefore = news.revokeIssuedBefore ?? null;
    const pending = { ...pendingDeletes(olds?.declared, declared), revokedBefore: revokeIssuedBefore };
    const base = { connection, mode, declared, revokeIssuedBefore, pending };
    if (!isFullyKnown(declared)) {
        return { ...base, strays: UNKNOWN_VALUE };
    }
    try {
        const result = await sweepConnection(graphClient(), withKnownThumbprints(declared), { mode: "report", pending });
        return { ...base, strays: result.plan.strays.map(plainStray) };
    } catch (err) {
        return { ...base, strays: UNKNOWN_VALUE, unreadable: failure(connection, err).message };
    }
}

/** The provider's `create` and `update`: sweeps (enforce) or reads (report) the connection now. */
export async function runSweep(inputs: SweepResourceInputs): Promise<SweepResourceOutputs> {
    const { connection, mode, declared } = inputs;
    const pending = inputs.pending ?? NO_PENDING_KEY_CREDENTIALS;
    let result;
    try {
        result = await sweepConnection(graphClient(), withKnownThumbprints(declared), { mode: mode === "enforce" ? "remove" : "report", pending });
    } catch (err) {
        throw failure(connection, err);
    }
    const removed = result.applied.flatMap((applied) => applied.operation.removes.map(plainStray));
    return {
        connection,
        mode,
        declared,
        revokeIssuedBefore: inputs.revokeIssuedBefore ?? null,
        pending,
        strays: mode === "enforce" ? [] : result.plan.strays.map(plainStray),
        removed,
        missing: [...result.missing],
    };
}

/**
 * What the previous deploy declared and this one does not: the stack deletes it at the end of this
 * update (thumbprints of superseded certificates, a federated trust or consent dropped), so the
 * sweep leaves it to those deletes. A first sweep has no previous declaration.
 */
export function pendingDeletes(before: DeclaredConnection | undefined, now: DeclaredConnection): PendingKeyCredentials {
    const pendingOn = (object: SweptObject): string[] => {
        const current = new Set(now[object].keyCredentialThumbprints.map((t) => normalizeThumbprint(t)).filter((t) => t !== undefined));
        return (before?.[object]?.keyCredentialThumbprints ?? []).map((t) => normalizeThumbprint(t)).filter((t): t is string => t !== undefined && !current.has(t));
    };
    const sameRole = (a: DeclaredAppRole, b: DeclaredAppRole) =>
        a.resourceId.toLowerCase() === b.resourceId.toLowerCase() && a.appRoleId.toLowerCase() === b.appRoleId.toLowerCase();
    return {
        application: pendingOn("application"),
        servicePrincipal: pendingOn("servicePrincipal"),
        federatedCredential: before?.federatedCredential ?? null,
        consent: (before?.consent ?? []).filter((role) => !now.consent.some((declared) => sameRole(role, declared))),
    };
}

/**
 * Whether everything but the thumbprints is known. A thumbprint unknown in a preview is a
 * certificate this deploy creates, which no live credential can carry yet; an unknown object id,
 * owner or consent would make declared items look stray.
 */
function isFullyKnown(declared: DeclaredConnection): boolean {
    const { application, servicePrincipal, federatedCredential, consent } = declared;
    const rest = [application.objectId, servicePrincipal.objectId, application.owners, servicePrincipal.owners, federatedCredential, consent];
    return !JSON.stringify(rest).includes(UNKNOWN_VALUE);
}

function withKnownThumbprints(declared: DeclaredConnection): DeclaredConnection {
    const known = (object: SweptObject) => ({ ...declared[object], keyCredentialThumbprints: declared[object].keyCredentialThumbprints.filter((t) => t !== UNKNOWN_VALUE) });
    return { ...declared, application: known("application"), servicePrincipal: known("servicePrincipal") };
}

// State holds plain values only: no undefined (the wire format has none).
function plainStray(stray: Stray): Stray {
    const { object, objectId, kind, id, description } = stray;
    return { object, objectId, kind, id, description, displayName: stray.displayName ?? null, created: stray.created ?? null };
}

function failure(connection: string, err: unknown): Error {
    const message = err instanceof Error ? err.message : String(err);
    return new Error(`The sweep of vendor connection ${JSON.stringify(connection)} failed: ${message}`);
}

// One client per process: its token is cached, and every sweep shares the process's limiter.
function graphClient(): GraphClient {
    return keptForProcess(CLIENT_GLOBAL, GRAPH_OPTIONS_GLOBAL, (options: GraphClientOptions | undefined) => new GraphClient(options));
}
