import type { GraphClient } from "../../components/graph/client";
import { readLiveConnection } from "../../components/sweep/liveState";
import { planSweep } from "../../components/sweep/plan";
import { Drift, driftOf, vaultDriftOf } from "./drift";
import type { VerifyTarget } from "./stackOutputs";
import type { PublishedSecret, VaultSecretsReader } from "./vaultSecrets";

// Checks every connection against the tenant, read-only: the sweep's reads and planner, nothing
// removed. Connections are checked together; the Graph client's limiter keeps at most 8 requests in
// flight for the whole run, so a large stack costs about requests x latency / 8.

export interface ConnectionVerdict {
    readonly name: string;
    /** True when checked and nothing drifted; false on drift or when it could not be checked. */
    readonly ok: boolean;
    readonly drift: readonly Drift[];
    /** Why it could not be checked (a missing permission, Graph unreachable); absent when checked. */
    readonly error?: string;
}

export interface VerifyReport {
    readonly checkedAt: string;
    readonly connections: readonly ConnectionVerdict[];
}

/** 0: every connection checked and clean; 2: drift found; 1: none found, but some connection could not be checked. */
export function exitCodeOf(report: VerifyReport): 0 | 1 | 2 {
    if (report.connections.some((c) => c.drift.length > 0)) {
        return 2;
    }
    return report.connections.some((c) => c.error !== undefined) ? 1 : 0;
}

/**
 * Checks every connection. `vault` (the stack's vault, when it exported one) is listed once, up
 * front: a connection whose secret could not be checked reports why, beside its Graph drift.
 */
export async function verifyConnections(
    client: GraphClient,
    targets: readonly VerifyTarget[],
    now: Date,
    progress: (done: number, verdict: ConnectionVerdict) => void,
    vault?: VaultSecretsReader,
): Promise<VerifyReport> {
    let published: ReadonlyMap<string, PublishedSecret> | string = "the stack outputs name no vault (vaultUri)";
    if (vault !== undefined) {
        published = await vault.publishedSecrets().catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
    }
    let done = 0;
    const connections = await Promise.all(
        targets.map(async (target) => {
            const verdict = await verifyOne(client, target, now, published);
            done += 1;
            progress(done, verdict);
            return verdict;
        }),
    );
    return { checkedAt: now.toISOString().replace(/\.\d{3}Z$/, "Z"), connections };
}

async function verifyOne(client: GraphClient, { name, expected }: VerifyTarget, now: Date, published: ReadonlyMap<string, PublishedSecret> | string): Promise<ConnectionVerdict> {
    const { declared } = expected;
    const vaultUnchecked = typeof published === "string" && expected.secretName !== null ? { error: `the vault secret could not be checked: ${published}` } : {};
    try {
        const live = await readLiveConnection(client, { applicationObjectId: declared.application.objectId, servicePrincipalObjectId: declared.servicePrincipal.objectId });
        const drift = [...driftOf(name, expected, live, planSweep(declared, live), now), ...(typeof published === "string" ? [] : vaultDriftOf(expected, published))];
        return { name, ok: drift.length === 0 && !("error" in vaultUnchecked), drift, ...vaultUnchecked };
    } catch (err) {
        return { name, ok: false, drift: [], error: err instanceof Error ? err.message : String(err) };
    }
}
