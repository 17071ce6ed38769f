import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { CERTIFICATE_TYPE, DeploySimulator, fakeCertificateIssuer, OperationKind, ResourceVersion, RunPoint } from "../simulator";
import { unregisteredPublication } from "../support/publishedCertificate";
import { CertificatePolicy, resolveCertificatePolicy } from "../../components/rotation";
import { toRfc3339 } from "../../components/time";
import {
    CREDENTIAL_RESOURCES,
    DeployRuns,
    FailureDraw,
    HISTORY_START as START,
    INTERLEAVINGS,
    PolicyDraw,
    SECRET,
    SERVICE_PRINCIPAL,
    applicationId,
    certificateSchedule,
    changedResources,
    deployIndexOf,
    deployInstants,
    deployOnce,
    eachInterleaving,
    failureDraw,
    historyPermissions as permissions,
    historyVault as vault,
    instantBetween,
    interleavingsDraw,
    memoizedReplays,
    operationsOf,
    policyDraw,
    policyOf,
    propertyRuns,
    suspendedAtDeploy,
    uniform,
} from "./support";

// The rotation invariants, checked over random deploy histories of the real VendorConnection
// replayed by the redeploy simulator. Certificates come from the simulator's stand-in issuer: a real
// RSA key per certificate costs ~0.3 s, the real provider runs in the example-based story test.
//
// A history is a stack of two connections, "vendor" and "bystander", each with a random policy,
// deployed 3 to 7 times with random gaps (in units of the vendor's renewBefore, some beyond it, to
// show what happens when deploys stop). Sometimes a compromise is announced (a revocation cutoff,
// for the vendor alone or stack-wide), and sometimes the vendor is suspended for a few deploys.
// Each history is replayed under INTERLEAVINGS orders of its steps, as a real engine may run them;
// in about half the histories one deploy of the last interleaving fails part-way (an injected
// failure) and is deployed again at once. Invariants about what a deploy leaves are checked after
// each deploy; those that must hold throughout, at every step of every run, failed ones included.
//
// Replaying a history once costs ~70 ms (the Pulumi runtime's own work per registration), so each
// history is replayed once per interleaving and every property checks the same replays: fast-check
// draws the same histories for the same seed, and shrinking replays the new ones it draws. 350
// histories (~1,050 replays) keep the suite's time where 1,000 histories under one order had it.

const CONNECTIONS = ["vendor", "bystander"] as const;
type ConnectionName = (typeof CONNECTIONS)[number];

interface History {
    vendor: PolicyDraw;
    bystander: PolicyDraw;
    gaps: number[]; // between consecutive deploys, in units of the vendor's renewBefore
    compromise?: { atDeploy: number; position: number; stackWide: boolean };
    suspension?: { fromDeploy: number; deploys: number };
    interleavings: number[]; // simulator seeds, one replay each
    failure?: FailureDraw; // in the last interleaving
}

const histories: fc.Arbitrary<History> = fc.record(
    {
        vendor: policyDraw,
        bystander: policyDraw,
        gaps: fc.array(fc.oneof(uniform(0.01, 1), uniform(1.01, 4)), { minLength: 2, maxLength: 6 }),
        // The cutoff lies at `position` between a lifetime before the first deploy and deploy `atDeploy`.
        compromise: fc.record({ atDeploy: fc.integer({ min: 1, max: 6 }), position: uniform(0, 1), stackWide: fc.boolean() }),
        suspension: fc.record({ fromDeploy: fc.integer({ min: 1, max: 6 }), deploys: fc.integer({ min: 1, max: 3 }) }),
        interleavings: interleavingsDraw,
        failure: failureDraw(7),
    },
    { requiredKeys: ["vendor", "bystander", "gaps", "interleavings"] },
);

/** What one deploy of the history declares, per connection. */
interface DeployConfig {
    readonly at: Date;
    readonly cutoffs: Record<ConnectionName, Date | undefined>;
    readonly suspended: boolean; // the vendor only
}

type Deploy = DeployConfig & DeployRuns;

interface Replay {
    readonly sim: DeploySimulator;
    /** The simulator seed of this interleaving. */
    readonly seed: number;
    readonly deploys: readonly Deploy[];
    readonly policies: Record<ConnectionName, CertificatePolicy>;
    readonly cutoff: Date | undefined;
    readonly program: (config: DeployConfig) => () => void;
}

function deployConfigs(h: History, vendorPolicy: CertificatePolicy): DeployConfig[] {
    const instants = deployInstants(h.gaps, vendorPolicy.renewBeforeMs);
    const compromise = h.compromise && h.compromise.atDeploy < instants.length ? h.compromise : undefined;
    let cutoff: Date | undefined;
    if (compromise) {
        const earliest = START - vendorPolicy.lifetimeMs;
        cutoff = instantBetween(earliest, instants[compromise.atDeploy], compromise.position);
    }
    return instants.map((t, i) => {
        const announced = compromise !== undefined && i >= compromise.atDeploy ? cutoff : undefined;
        return {
            at: new Date(t),
            cutoffs: { vendor: announced, bystander: compromise?.stackWide ? announced : undefined },
            suspended: suspendedAtDeploy(h.suspension, i),
        };
    });
}

/** Replays `h` once per interleaving; later properties get the same replays. */
const replays = memoizedReplays(async (h: History): Promise<Replay[]> => {
    const all: Replay[] = [];
    for (const [i, seed] of h.interleavings.entries()) {
        all.push(await replayAnew(h, seed, i === h.interleavings.length - 1 ? h.failure : undefined));
    }
    return all;
});
const replay = replays.replay;

async function replayAnew(h: History, seed: number, failure: FailureDraw | undefined): Promise<Replay> {
    const { VendorConnection } = await import("../../components");
    const certificate = { vendor: policyOf(h.vendor), bystander: policyOf(h.bystander) };
    const policies = { vendor: resolveCertificatePolicy(certificate.vendor, "vendor"), bystander: resolveCertificatePolicy(certificate.bystander, "bystander") };
    const program = (config: DeployConfig) => () => {
        for (const name of CONNECTIONS) {
            const revokeIssuedBefore = config.cutoffs[name] ? toRfc3339(config.cutoffs[name]!) : undefined;
            const suspended = name === "vendor" && config.suspended;
            new VendorConnection(name, { permissions, certificate: certificate[name], vault, now: config.at, revokeIssuedBefore, suspended });
        }
    };
    const sim = new DeploySimulator({ project: "vendor-connections", seed, issuers: { [CERTIFICATE_TYPE]: fakeCertificateIssuer() } });
    const deploys: Deploy[] = [];
    for (const [i, config] of deployConfigs(h, policies.vendor).entries()) {
        deploys.push({ ...config, ...(await deployOnce(sim, config.at, program(config), failure?.atDeploy === i ? failure.atOperation : undefined)) });
    }
    return { sim, seed, deploys, policies, cutoff: deploys[deploys.length - 1].cutoffs.vendor, program };
}

// ---- reading the simulated state ----------------------------------------------------------------

const describeWhen = (when: Date | RunPoint): string => (when instanceof Date ? when.toISOString() : `run #${when.run} step ${when.step}`);

/** The connection's key credentials registered at `when` (valid or not), with the certificate each holds. */
function registeredAt(sim: DeploySimulator, when: Date | RunPoint, connection: ConnectionName) {
    const certificates = sim.resourcesAt(when, CERTIFICATE_TYPE);
    return (sim.keyCredentialsAt(when, { includeInvalid: true }).get(applicationId(sim, connection)) ?? []).map((credential) => {
        const certificate = certificates.find((c) => c.outputs.certificatePem === credential.value);
        assert.ok(certificate, `${credential.name} registers a certificate that no certificate resource holds at ${describeWhen(when)}`);
        return { credential, certificate };
    });
}

function secretAt(sim: DeploySimulator, at: Date, connection: ConnectionName): ResourceVersion {
    const found = sim.resourcesAt(at, SECRET).filter((s) => s.name === `${connection}-secret`);
    assert.equal(found.length, 1, `expected one ${connection}-secret at ${at.toISOString()}`);
    return found[0];
}

/** The certificate the connection's vault secret publishes at a point inside a run, if any. */
function publishedAt(sim: DeploySimulator, point: RunPoint, connection: ConnectionName): ResourceVersion | undefined {
    const thumbprint = sim
        .resourcesAt(point, SECRET)
        .filter((s) => s.name === `${connection}-secret`)
        .map(secretThumbprint)
        .find((t) => t !== undefined);
    return thumbprint === undefined ? undefined : sim.versions.find((v) => v.type === CERTIFICATE_TYPE && v.outputs.thumbprintSha1 === thumbprint);
}

/** Runs `check` at every point of every run of the replay (failed runs included), with the deploy the run belongs to. */
function atEveryPoint(r: Replay, check: (point: RunPoint, deploy: Deploy, deployIndex: number) => void): void {
    for (const point of r.sim.points()) {
        const index = deployIndexOf(r.deploys, point.run);
        check(point, r.deploys[index], index);
    }
}

function secretThumbprint(secret: ResourceVersion): string | undefined {
    return (secret.inputs.tags as Record<string, string> | undefined)?.thumbprintSha1;
}

function scheduleOf(r: Replay, deploy: DeployConfig, connection: ConnectionName): string {
    if (connection === "vendor" && deploy.suspended) {
        return "suspended";
    }
    return certificateSchedule(r.policies[connection], deploy.at, [deploy.cutoffs[connection]]);
}

/**
 * The certificates deploy `i` had to remove because of its cutoff: registered after the deploy
 * before it, issued before the cutoff, and still declared by the schedule this deploy would have
 * without a cutoff (so neither expiry nor a routine rotation would have removed them).
 */
function revokedBy(r: Replay, i: number, connection: ConnectionName): ResourceVersion[] {
    const cutoff = r.deploys[i].cutoffs[connection];
    if (i === 0 || cutoff === undefined) {
        return [];
    }
    const kept = new Set(certificateSchedule(r.policies[connection], r.deploys[i].at, []).split(" "));
    return registeredAt(r.sim, r.deploys[i - 1].at, connection)
        .map(({ certificate }) => certificate)
        .filter((certificate) => certificate.createdAt < cutoff && kept.has(`${certificate.name.slice(`${connection}-cert-`.length)}=${String(certificate.inputs.identity)}`));
}

/** True when every gap between deploys is at most the connection's renewBefore: the precondition of continuity (docs/architecture.md#rotation-invariants, 1). */
function deploysOftenEnough(r: Replay, connection: ConnectionName, from = 0, to = r.deploys.length): boolean {
    return r.deploys.slice(from, to).every((d, i) => i === 0 || d.at.getTime() - r.deploys[from + i - 1].at.getTime() <= r.policies[connection].renewBeforeMs);
}

/** The half-open deploy index ranges in which the vendor is not suspended. */
function activeStretches(r: Replay, connection: ConnectionName): [number, number][] {
    const stretches: [number, number][] = [];
    r.deploys.forEach((d, i) => {
        const suspended = connection === "vendor" && d.suspended;
        if (!suspended && (i === 0 || stretches.length === 0 || stretches[stretches.length - 1][1] !== i)) {
            stretches.push([i, i + 1]);
        } else if (!suspended) {
            stretches[stretches.length - 1][1] = i + 1;
        }
    });
    return stretches;
}

const RUNS = propertyRuns(20261128, 350);

describe(`rotation invariants over ${RUNS.numRuns} simulated deploy histories, ${INTERLEAVINGS} interleavings each (real VendorConnection, stand-in issuer)`, function () {
    this.timeout(900_000);
    after(() => replays.clear());

    it("1 continuity: deploying at least every renewBefore, some valid credential is registered at every instant and the vault holds one of them; longer pauses show up as reported gaps", async () => {
        let compliantStretches = 0;
        let reportedGaps = 0;
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                eachInterleaving(await replay(h), (r) => {
                    const { sim } = r;
                    for (const connection of CONNECTIONS) {
                        const appId = applicationId(sim, connection);
                        for (const [from, to] of activeStretches(r, connection)) {
                            const start = r.deploys[from].at;
                            const end = r.deploys[to - 1].at;
                            const gaps = sim.keyCredentialGaps(start, end).filter((g) => g.applicationId === appId);
                            if (deploysOftenEnough(r, connection, from, to)) {
                                compliantStretches += 1;
                                assert.deepEqual(gaps, [], `${connection}: a credential gap although deploys came at least every renewBefore`);
                                // Between two change instants nothing changes, so checking each one checks every instant.
                                for (const t of [start, ...sim.changeInstants().filter((c) => start < c && c < end)]) {
                                    const valid = registeredAt(sim, t, connection).filter(({ credential }) => credential.startDate <= t && t < credential.endDate);
                                    const published = secretThumbprint(secretAt(sim, t, connection));
                                    assert.ok(
                                        valid.some(({ certificate }) => certificate.outputs.thumbprintSha1 === published),
                                        `${connection}: at ${t.toISOString()} the vault publishes a certificate that is not a valid registered credential`,
                                    );
                                }
                                // Overlap: a rotation keeps the certificate the vault published until then
                                // registered, so a vendor that fetched it before the deploy is not cut off.
                                for (let i = from + 1; i < to; i++) {
                                    const before = secretThumbprint(secretAt(sim, r.deploys[i - 1].at, connection));
                                    const after = secretThumbprint(secretAt(sim, r.deploys[i].at, connection));
                                    const sameCutoff = r.deploys[i - 1].cutoffs[connection]?.getTime() === r.deploys[i].cutoffs[connection]?.getTime();
                                    if (before !== after && sameCutoff) {
                                        const valid = registeredAt(sim, r.deploys[i].at, connection).filter(({ credential }) => credential.endDate > r.deploys[i].at);
                                        assert.ok(
                                            valid.some(({ certificate }) => certificate.outputs.thumbprintSha1 === before),
                                            `${connection}: the rotation at ${r.deploys[i].at.toISOString()} removed the certificate the vault published until then`,
                                        );
                                    }
                                }
                            } else {
                                // A pause beyond renewBefore may leave the vendor without a credential; such a
                                // gap must be reported, it must lie inside a pause, and the next deploy closes it.
                                const pauses = r.deploys.slice(from + 1, to).map((d, i) => ({ from: r.deploys[from + i].at, to: d.at }));
                                for (const gap of gaps) {
                                    reportedGaps += 1;
                                    const pause = pauses.find((p) => p.from <= gap.from && gap.to <= p.to);
                                    assert.ok(pause, `${connection}: a gap ${gap.from.toISOString()}..${gap.to.toISOString()} outside any pause`);
                                    assert.ok(
                                        pause.to.getTime() - pause.from.getTime() > r.policies[connection].renewBeforeMs,
                                        `${connection}: a gap inside a pause no longer than renewBefore`,
                                    );
                                    assert.equal(gap.to.getTime(), pause.to.getTime(), `${connection}: the deploy after a pause must close the gap`);
                                }
                                // A pause longer than the lifetime outlives every certificate: the gap must be reported.
                                for (const pause of pauses.filter((p) => p.to.getTime() - p.from.getTime() > r.policies[connection].lifetimeMs)) {
                                    assert.ok(
                                        gaps.some((g) => pause.from <= g.from && g.to <= pause.to),
                                        `${connection}: a pause longer than the lifetime reported no gap`,
                                    );
                                }
                            }
                        }
                        // Inside each run: a rotation never leaves a live connection without a credential.
                        // A revocation may, on purpose: a revoked key credential is deleted before its
                        // successor is registered, so it is gone even if a later step fails.
                        const suspendedRuns = new Set(r.deploys.flatMap((d, i) => (connection === "vendor" && (d.suspended || (i > 0 && r.deploys[i - 1].suspended)) ? [i] : [])));
                        const revocationRuns = new Set(
                            r.deploys.flatMap((d, i) => (i > 0 && d.cutoffs[connection]?.getTime() !== r.deploys[i - 1].cutoffs[connection]?.getTime() ? [i] : [])),
                        );
                        // Runs are numbered across failed attempts and redeploys; deploys are not.
                        const deployOf = (g: { run: number }) => deployIndexOf(r.deploys, g.run);
                        const inRun = sim
                            .keyCredentialGapsDuringRuns()
                            .filter((g) => g.applicationId === appId && !suspendedRuns.has(deployOf(g)) && !revocationRuns.has(deployOf(g)) && g.step > 0);
                        const runsBefore = (g: { run: number }) => deployOf(g) > 0 && deploysOftenEnough(r, connection, deployOf(g) - 1, deployOf(g) + 1);
                        assert.deepEqual(inRun.filter(runsBefore), [], `${connection}: a rotation opened a gap inside a deploy`);
                    }
                }),
            ),
            RUNS,
        );
        // The properties must have seen both kinds of history, or they prove nothing.
        assert.ok(
            compliantStretches > RUNS.numRuns / 5 && reportedGaps > RUNS.numRuns / 50,
            `too few compliant stretches (${compliantStretches}) or reported gaps (${reportedGaps})`,
        );
    });

    it("2 bounded exposure: at every step at most two credentials per connection, none valid longer than the lifetime or ending after its certificate; after each deploy none expired, and while suspended none at all and the service principal is disabled", async () => {
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                eachInterleaving(await replay(h), (r) => {
                    atEveryPoint(r, (point) => {
                        for (const connection of CONNECTIONS) {
                            const registered = registeredAt(r.sim, point, connection);
                            assert.ok(registered.length <= 2, `${connection}: ${registered.length} key credentials at ${describeWhen(point)}`);
                            for (const { credential, certificate } of registered) {
                                assert.ok(
                                    credential.endDate.getTime() - credential.startDate.getTime() <= r.policies[connection].lifetimeMs,
                                    `${credential.name} outlives the lifetime at ${describeWhen(point)}`,
                                );
                                assert.ok(
                                    credential.endDate.getTime() <= Date.parse(certificate.outputs.notAfter as string),
                                    `${credential.name} ends after its certificate at ${describeWhen(point)}`,
                                );
                            }
                        }
                    });
                    for (const deploy of r.deploys) {
                        for (const connection of CONNECTIONS) {
                            const registered = registeredAt(r.sim, deploy.at, connection);
                            const sp = r.sim.resourcesAt(deploy.at, SERVICE_PRINCIPAL).find((v) => v.name === `${connection}-sp`)!;
                            if (connection === "vendor" && deploy.suspended) {
                                assert.deepEqual(registered, [], "a suspended connection kept a key credential");
                                assert.equal(sp.inputs.accountEnabled, false, "a suspended connection's service principal is enabled");
                                assert.equal(secretThumbprint(secretAt(r.sim, deploy.at, connection)), undefined, "a suspended connection's secret still names a certificate");
                                continue;
                            }
                            assert.equal(sp.inputs.accountEnabled, true);
                            assert.ok(
                                registered.length >= 1 && registered.length <= 2,
                                `${connection}: ${registered.length} key credentials after the deploy at ${deploy.at.toISOString()}`,
                            );
                            for (const { credential } of registered) {
                                assert.ok(credential.endDate > deploy.at, `${credential.name} expired but was kept`);
                            }
                        }
                    }
                }),
            ),
            RUNS,
        );
    });

    it("3 revocation: the first deploy after a cutoff leaves no key credential, and no vault secret, with a certificate issued before it, and none comes back at any later step", async () => {
        // Deploys that revoked a certificate: a cutoff before the first certificate, or one an
        // earlier deploy already applied, revokes nothing and so proves nothing here.
        let revokingDeploys = 0;
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                eachInterleaving(await replay(h), (r) => {
                    atEveryPoint(r, (point, deploy) => {
                        for (const connection of CONNECTIONS) {
                            const cutoff = deploy.cutoffs[connection];
                            const revoking = r.deploys.find((d) => d.cutoffs[connection] !== undefined);
                            // From the first step after the deploy that enforced the cutoff on.
                            if (!cutoff || !revoking || point.run <= revoking.run.index) {
                                continue;
                            }
                            for (const { credential, certificate } of registeredAt(r.sim, point, connection)) {
                                assert.ok(
                                    certificate.createdAt >= cutoff,
                                    `${connection}: ${credential.name} holds a certificate issued before the cutoff at ${describeWhen(point)}`,
                                );
                            }
                            const published = publishedAt(r.sim, point, connection);
                            assert.ok(
                                !published || published.createdAt >= cutoff,
                                `${connection}: the vault publishes a certificate issued before the cutoff at ${describeWhen(point)}`,
                            );
                        }
                    });
                    for (const [i, deploy] of r.deploys.entries()) {
                        for (const connection of CONNECTIONS) {
                            const cutoff = deploy.cutoffs[connection];
                            if (!cutoff || (connection === "vendor" && deploy.suspended)) {
                                continue;
                            }
                            revokingDeploys += revokedBy(r, i, connection).length > 0 ? 1 : 0;
                            for (const { credential, certificate } of registeredAt(r.sim, deploy.at, connection)) {
                                assert.ok(
                                    certificate.createdAt >= cutoff,
                                    `${connection}: ${credential.name} holds a certificate issued ${certificate.createdAt.toISOString()}, before the cutoff ${cutoff.toISOString()}`,
                                );
                            }
                            const published = secretThumbprint(secretAt(r.sim, deploy.at, connection));
                            const certificate = r.sim.versions.find((v) => v.type === CERTIFICATE_TYPE && v.outputs.thumbprintSha1 === published)!;
                            assert.ok(certificate.createdAt >= cutoff, `${connection}: the vault publishes a certificate issued before the cutoff`);
                        }
                    }
                }),
            ),
            RUNS,
        );
        // About one history in ten revokes a certificate (most cutoffs fall before the first
        // certificate, or after the certificates a pause let expire); fewer than one in twenty
        // would mean the histories no longer exercise revocation.
        assert.ok(revokingDeploys > RUNS.numRuns / 20, `only ${revokingDeploys} deploys revoked a certificate`);
    });

    it("4 idempotence and 5 blast radius: a connection changes only when its own schedule or config does, and then only its credential resources (suspension also its service principal), its vault secret only ever updated in place; a repeat deploy changes nothing", async () => {
        let secretUpdates = 0;
        let failedDeploys = 0;
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                eachInterleaving(await replay(h), async (r) => {
                    failedDeploys += r.deploys.filter((d) => d.failed).length;
                    r.deploys.forEach((deploy, i) => {
                        for (const connection of CONNECTIONS) {
                            // The connection keeps its certificate credential throughout, so its vault secret is
                            // created once and then only ever updated in place (a new secret version): a replace
                            // or delete would soft-delete the vendor's secret name (README "Rotation"). A deploy
                            // that failed part-way counts with its redeploy: together they did the deploy's work.
                            const secretOperations: OperationKind[] = operationsOf(deploy)
                                .filter((o) => o.type === SECRET && o.name === `${connection}-secret`)
                                .map((o) => o.kind);
                            const expected: OperationKind[] = i === 0 ? ["create"] : secretOperations.length === 0 ? [] : ["update"];
                            assert.deepEqual(secretOperations, expected, `${connection}-secret at ${deploy.at.toISOString()}: created once, then only updated in place`);
                            secretUpdates += i > 0 && secretOperations.length > 0 ? 1 : 0;
                        }
                        if (i === 0) {
                            return;
                        }
                        const previous = r.deploys[i - 1];
                        for (const connection of CONNECTIONS) {
                            const changed = changedResources(operationsOf(deploy), connection);
                            if (scheduleOf(r, previous, connection) === scheduleOf(r, deploy, connection)) {
                                assert.deepEqual(changed, [], `${connection} changed at ${deploy.at.toISOString()} without a rotation, revocation or suspension of its own`);
                            }
                            const allowed = (resource: string) =>
                                CREDENTIAL_RESOURCES.test(resource) || (connection === "vendor" && previous.suspended !== deploy.suspended && /^sp$|^reader-/.test(resource));
                            assert.deepEqual(
                                changed.filter((resource) => !allowed(resource)),
                                [],
                                `${connection}: a rotation touched more than its credential resources`,
                            );
                        }
                    });
                    const last = r.deploys[r.deploys.length - 1];
                    // Appends a run to this replay; a run without operations leaves every later check unchanged.
                    const again = await r.sim.up(last.at, r.program(last));
                    assert.deepEqual(
                        again.operations.map((o) => o.key),
                        [],
                        "a repeat deploy changed something",
                    );
                }),
            ),
            RUNS,
        );
        assert.ok(secretUpdates > RUNS.numRuns, `only ${secretUpdates} updates of a vault secret`);
        // Deploys that failed part-way and were redeployed: what this property says of them needs some.
        assert.ok(failedDeploys > RUNS.numRuns / 10, `only ${failedDeploys} deploys failed part-way`);
    });

    it("6 uniqueness: every certificate issued is a new one, and at every step each key credential and vault secret carries its own connection's certificate", async () => {
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                eachInterleaving(await replay(h), (r) => {
                    const certificates = r.sim.versions.filter((v) => v.type === CERTIFICATE_TYPE && v.startedBy !== "update");
                    const thumbprints = certificates.map((v) => v.outputs.thumbprintSha1);
                    assert.equal(new Set(thumbprints).size, thumbprints.length, "two certificate resources share a key pair");
                    const ownerOf = new Map(certificates.map((v) => [v.outputs.thumbprintSha1, v.name.split("-cert-")[0]]));
                    atEveryPoint(r, (point) => {
                        for (const connection of CONNECTIONS) {
                            for (const { certificate } of registeredAt(r.sim, point, connection)) {
                                assert.equal(
                                    ownerOf.get(certificate.outputs.thumbprintSha1),
                                    connection,
                                    `${connection} registers another connection's certificate at ${describeWhen(point)}`,
                                );
                            }
                            const published = publishedAt(r.sim, point, connection);
                            if (published !== undefined) {
                                assert.equal(
                                    ownerOf.get(published.outputs.thumbprintSha1),
                                    connection,
                                    `${connection}'s secret holds another connection's certificate at ${describeWhen(point)}`,
                                );
                            }
                        }
                    });
                }),
            ),
            RUNS,
        );
    });

    // Without the secret's dependency on the active key credential, the engine's interleavings break
    // this (tests/vendorConnection/publishAfterRegister.test.ts replays one).
    it("7 publication: at every step of every run the vault secret publishes a certificate that is a valid key credential of its connection's application (unless suspended, revoked by the run's cutoff, or expired)", async () => {
        let published = 0;
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                eachInterleaving(await replay(h), (r) => {
                    atEveryPoint(r, (point, deploy) => {
                        for (const connection of CONNECTIONS) {
                            const problem = unregisteredPublication(r.sim, point, connection, { cutoffOf: (run) => r.deploys[deployIndexOf(r.deploys, run)].cutoffs[connection] });
                            assert.equal(problem, undefined, problem);
                            published += publishedAt(r.sim, point, connection) && !deploy.suspended ? 1 : 0;
                        }
                    });
                }),
            ),
            RUNS,
        );
        assert.ok(published > RUNS.numRuns * 10, `only ${published} points at which a vault secret published a certificate`);
    });
});
