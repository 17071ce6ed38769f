import type { GraphClient } from "../../components/graph/client";
import { readLiveConnection } from "../../components/sweep/liveState";
import { planSweep } from "../../components/sweep/plan";
import type { ExpectedConnection } from "../../components/vendorConnection/expected";
import { Drift, driftOf, vaultDriftOf } from "./drift";
import { keyDriftOf } from "./keyDrift";
import type { VerifyTarget } from "./stackOutputs";
import type { PublishedSecret, VaultMetadataReader } from "./vaultMetadata";

// Checks every connection against the tenant and the vault, read-only: the sweep's reads and
// planner, the vault's listings, nothing removed. Connections are checked together; the Graph
// client's limiter keeps at most 8 requests in flight for the whole run (the vault's share it), so
// a large stack costs about requests x latency / 8.

export interface ConnectionVerdict {
    readonly name: string;
    /** True when checked and nothing drifted; false on drift or when it could not be checked. */
    readonly ok: boolean;
    readonly drift: readonly Drift[];
    /** Why it, or part of it, could not be checked (a missing permission, Graph or the vault unreachable); absent when checked. */
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

/** What one source (Graph, the secret, the key) showed of a connection: its drift, or why it could not be read. */
interface Findings {
    readonly drift: readonly Drift[];
    readonly error?: string;
}

const NO_VAULT = "the stack outputs name no vault (vaultUri)";

/**
 * Checks every connection. `vault` (the stack's vault, when it exported one) has its secrets listed
 * once, up front, when some connection has a secret, and each vault-key connection's key versions
 * listed beside its Graph reads. What could not be read is reported per connection, beside the
 * drift of what could: a key version enabled outside the stack is reported even when Graph refuses.
 */
export async function verifyConnections(
    client: GraphClient,
    targets: readonly VerifyTarget[],
    now: Date,
    progress: (done: number, verdict: ConnectionVerdict) => void,
    vault?: VaultMetadataReader,
): Promise<VerifyReport> {
    const published = await publishedSecretsFor(targets, vault);
    let done = 0;
    const connections = await Promise.all(
        targets.map(async (target) => {
            const verdict = await verifyOne(client, target, now, published, vault);
            done += 1;
            progress(done, verdict);
            return verdict;
        }),
    );
    return { checkedAt: now.toISOString().replace(/\.\d{3}Z$/, "Z"), connections };
}

/** The vault's secrets, when some connection has one (an empty map otherwise); why they could not be listed, as text. */
async function publishedSecretsFor(targets: readonly VerifyTarget[], vault: VaultMetadataReader | undefined): Promise<ReadonlyMap<string, PublishedSecret> | string> {
    if (!targets.some((t) => t.expected.secretName !== null)) {
        return new Map();
    }
    return vault === undefined ? NO_VAULT : vault.publishedSecrets().catch(reasonOf);
}

async function verifyOne(
    client: GraphClient,
    { name, expected }: VerifyTarget,
    now: Date,
    published: ReadonlyMap<string, PublishedSecret> | string,
    vault: VaultMetadataReader | undefined,
): Promise<ConnectionVerdict> {
    const [graph, key] = await Promise.all([graphFindings(client, name, expected, now), keyFindings(expected, vault)]);
    const findings = [graph, secretFindings(expected, published), key];
    const drift = findings.flatMap((f) => f.drift);
    const errors = findings.flatMap((f) => (f.error === undefined ? [] : [f.error]));
    return { name, ok: drift.length === 0 && errors.length === 0, drift, ...(errors.length > 0 ? { error: errors.join("; ") } : {}) };
}

async function graphFindings(client: GraphClient, name: string, expected: ExpectedConnection, now: Date): Promise<Findings> {
    const { declared } = expected;
    try {
        const live = await readLiveConnection(client, { applicationObjectId: declared.application.objectId, servicePrincipalObjectId: declared.servicePrincipal.objectId });
        return { drift: driftOf(name, expected, live, planSweep(declared, live), now) };
    } catch (err) {
        return { drift: [], error: reasonOf(err) };
    }
}

function secretFindings(expected: ExpectedConnection, published: ReadonlyMap<string, PublishedSecret> | string): Findings {
    if (expected.secretName === null) {
        return { drift: [] };
    }
    return typeof published === "string" ? { drift: [], error: `the vault secret could not be checked: ${published}` } : { drift: vaultDriftOf(expected, published) };
}

async function keyFindings(expected: ExpectedConnection, vault: VaultMetadataReader | undefined): Promise<Findings> {
    if (expected.keyName === null) {
        return { drift: [] };
    }
    const unchecked = (reason: string): Findings => ({ drift: [], error: `the vault key could not be checked: ${reason}` });
    if (vault === undefined) {
        return unchecked(NO_VAULT);
    }
    try {
        return { drift: keyDriftOf(expected, await vault.keyVersions(expected.keyName)) };
    } catch (err) {
        return unchecked(reasonOf(err));
    }
}

function reasonOf(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}
