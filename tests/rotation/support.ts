import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { APPLICATION_TYPE, DeployError, DeployRun, DeploySimulator, Operation, Program, UpOptions } from "../simulator";
import { CertificatePolicy, scheduleCertificates } from "../../components/rotation";
import { validationIssues } from "../support/validation";

export { validationIssues };

/** Expects exactly one issue, at `path`, whose message matches every pattern. */
export function assertOneIssue(action: () => unknown, path: string, ...patterns: RegExp[]): void {
    const issues = validationIssues(action);
    assert.equal(issues.length, 1, JSON.stringify(issues));
    assert.equal(issues[0].path, path);
    for (const pattern of patterns) {
        assert.match(issues[0].message, pattern);
    }
}

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

// ---- random deploy histories replayed by the redeploy simulator (the *.property.test.ts files) ----

// PROPERTY_RUNS lowers the count while developing; npm test runs each suite's full count.
export function propertyRuns(seed: number, histories: number): { numRuns: number; seed: number } {
    return { numRuns: Number(process.env.PROPERTY_RUNS ?? histories), seed };
}

/**
 * Each history is replayed under this many interleavings of its deploys' steps (simulator seeds
 * drawn with the history): the engine runs independent steps concurrently, so one order proves
 * little about the others.
 */
export const INTERLEAVINGS = 3;

export const interleavingsDraw: fc.Arbitrary<number[]> = fc.array(fc.nat(), { minLength: INTERLEAVINGS, maxLength: INTERLEAVINGS });

/**
 * An injected failure: deploy `atDeploy` (if the history has it) fails at its `atOperation`-th
 * operation (if it has that many) in the last interleaving, and is deployed again at once, as an
 * operator re-runs a failed `pulumi up`.
 */
export interface FailureDraw {
    atDeploy: number;
    atOperation: number;
}

export const failureDraw = (deploys: number): fc.Arbitrary<FailureDraw> =>
    // Operations past the first few are mostly final deletes, or do not exist in a quiet deploy.
    fc.record({ atDeploy: fc.integer({ min: 0, max: deploys - 1 }), atOperation: fc.integer({ min: 0, max: 8 }) });

/** One deploy of a history: the run that succeeded and, if an injected failure hit it, the failed run before. */
export interface DeployRuns {
    readonly run: DeployRun;
    readonly failed?: DeployRun;
}

/** Deploys `program`, failing at operation `failAt` if given, and then deploying again at once. */
export async function deployOnce(sim: DeploySimulator, at: Date, program: Program, failAt?: number, options: UpOptions = {}): Promise<DeployRuns> {
    if (failAt === undefined) {
        return { run: await sim.up(at, program, options) };
    }
    try {
        return { run: await sim.up(at, program, { ...options, failAt }) };
    } catch (err) {
        if (!(err instanceof DeployError) || err.run.failedOperation?.step !== failAt) {
            throw err;
        }
        return { failed: err.run, run: await sim.up(at, program, options) };
    }
}

/** Everything a deploy did: the failed run's operations, then the redeploy's. */
export function operationsOf(deploy: DeployRuns): readonly Operation[] {
    return [...(deploy.failed?.operations ?? []), ...deploy.run.operations];
}

/**
 * The index of the deploy a run belongs to (its failed attempt or its redeploy); a run appended
 * after the history (a repeat deploy) belongs to the last deploy.
 */
export function deployIndexOf(deploys: readonly DeployRuns[], run: number): number {
    const index = deploys.findIndex((d) => d.run.index === run || d.failed?.index === run);
    return index >= 0 ? index : deploys.length - 1;
}

/** Runs `check` for each interleaving of a history; a failure names the interleaving's simulator seed. */
export async function eachInterleaving<R extends { seed: number }>(replays: readonly R[], check: (replay: R) => void | Promise<void>): Promise<void> {
    for (const replay of replays) {
        try {
            await check(replay);
        } catch (err) {
            if (err instanceof Error) {
                err.message += `\n(interleaving: simulator seed ${replay.seed})`;
            }
            throw err;
        }
    }
}

export const SECRET = "azure-native:keyvault:Secret";
export const SERVICE_PRINCIPAL = "azuread:index/servicePrincipal:ServicePrincipal";
export const HISTORY_START = Date.parse("2026-01-01T00:00:00Z");
export const historyVault = { vaultId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv", vaultName: "kv", resourceGroupName: "rg" };
export const historyPermissions = [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }];

/** A certificate connection's own credential resources: what a rotation or a revocation may touch. */
export const CREDENTIAL_RESOURCES = /^(cert|credential)-[ab]$|^secret$/;

export interface PolicyDraw {
    lifetimeHours: number;
    renewFraction: number; // renewBefore as a fraction of the lifetime
}

/**
 * Uniform in [min, max]. Not fc.double: it draws uniformly over the floating-point numbers, so
 * nine in ten of its draws in [0, 1] are below 0.2.
 */
export const uniform = (min: number, max: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: 1_000_000 }).map((n) => min + ((max - min) * n) / 1_000_000);

export const policyDraw: fc.Arbitrary<PolicyDraw> = fc.record({ lifetimeHours: fc.integer({ min: 1, max: 24 * 90 }), renewFraction: uniform(0.02, 0.5) });

export function policyOf(draw: PolicyDraw, keySize?: number): { lifetime: string; renewBefore: string; keySize?: number } {
    const lifetimeSeconds = draw.lifetimeHours * 3600;
    const renewBeforeSeconds = Math.max(1, Math.floor(lifetimeSeconds * draw.renewFraction));
    return { lifetime: `PT${draw.lifetimeHours}H`, renewBefore: `PT${renewBeforeSeconds}S`, ...(keySize === undefined ? {} : { keySize }) };
}

/**
 * A change of a connection's certificate policy from deploy `atDeploy` on (if the history has it):
 * a new key size (the policy starts at the default, 2048), new timing (lifetime and renewBefore,
 * drawn as a first policy is), or both. Every kind re-issues the connection's certificates.
 */
export interface PolicyChangeDraw {
    atDeploy: number;
    keySize?: number;
    timing?: PolicyDraw;
}

export const policyChangeDraw = (deploys: number): fc.Arbitrary<PolicyChangeDraw> => {
    const atDeploy = fc.integer({ min: 1, max: deploys - 1 });
    const keySize = fc.constantFrom(3072, 4096);
    return fc.oneof(fc.record({ atDeploy, keySize }), fc.record({ atDeploy, timing: policyDraw }), fc.record({ atDeploy, keySize, timing: policyDraw }));
};

/** The policy input in force from a change on: the change's timing and key size where it has them. */
export function changedPolicyOf(initial: PolicyDraw, change: PolicyChangeDraw): { lifetime: string; renewBefore: string; keySize?: number } {
    return policyOf(change.timing ?? initial, change.keySize);
}

/** Deploy instants from HISTORY_START on, `gaps` apart in units of `unitMs` (at least a second apart). */
export function deployInstants(gaps: readonly number[], unitMs: number): number[] {
    const instants = [HISTORY_START];
    for (const gap of gaps) {
        instants.push(instants[instants.length - 1] + Math.max(1000, Math.floor(gap * unitMs)));
    }
    return instants;
}

/** The instant at `position` (0..1) from `earliest` to `latest`, truncated to the second as config would give it. */
export function instantBetween(earliest: number, latest: number, position: number): Date {
    return new Date(Math.floor((earliest + position * (latest - earliest)) / 1000) * 1000);
}

/** Whether deploy `index` falls in a suspension drawn as `deploys` deploys from `fromDeploy` on. */
export function suspendedAtDeploy(suspension: { fromDeploy: number; deploys: number } | undefined, index: number): boolean {
    return suspension !== undefined && index >= suspension.fromDeploy && index < suspension.fromDeploy + suspension.deploys;
}

/** Replays each history once, however many properties ask for it; `clear` after the suite. */
export function memoizedReplays<H, R>(replayAnew: (h: H) => Promise<R>): { replay(h: H): Promise<R>; clear(): void } {
    const replays = new Map<string, Promise<R>>();
    return {
        replay(h: H): Promise<R> {
            const key = JSON.stringify(h);
            let replayed = replays.get(key);
            if (!replayed) {
                replayed = replayAnew(h);
                replays.set(key, replayed);
            }
            return replayed;
        },
        clear: () => replays.clear(),
    };
}

export function applicationId(sim: DeploySimulator, connection: string): string {
    return sim.one(APPLICATION_TYPE, `${connection}-app`).id!;
}

/** The connection's resources (names without the `<connection>-` prefix) that the operations created, updated, replaced or deleted. */
export function changedResources(operations: readonly Operation[], connection: string): string[] {
    return [...new Set(operations.filter((o) => o.name.startsWith(`${connection}-`)).map((o) => o.name.slice(connection.length + 1)))].sort();
}

/** The certificate slots and identities a deploy at `at` declares: when this changes, the connection may rotate. */
export function certificateSchedule(policy: CertificatePolicy, at: Date, cutoffs: readonly (Date | undefined)[]): string {
    return scheduleCertificates({ policy, now: at, revokeIssuedBefore: cutoffs })
        .certificates.map((c) => `${c.slot}=${c.identity}`)
        .join(" ");
}
