import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { APPLICATION_CERTIFICATE_TYPE, CERTIFICATE_TYPE, DeployRun, DeploySimulator, ResourceVersion, RunPoint, SWEEP_TYPE, fakeCertificateIssuer } from "../simulator";
import { unregisteredPublication } from "../support/publishedCertificate";
import { CertificatePolicy, resolveCertificatePolicy } from "../../components/rotation";
import { toRfc3339 } from "../../components/time";
import * as support from "./support";

// README "Federation instead of certificates", checked over random deploy histories of the real
// VendorConnection replayed by the redeploy simulator, as invariants.property.test.ts does for
// certificates. A history is a stack of a federated "vendor" connection and a certificate
// "bystander" connection, deployed 3 to 5 times with random gaps (in units of the bystander's
// renewBefore, so it rotates in some histories and not in others). The vendor is trusted from a
// random instant up to 30 days before the first deploy. Sometimes a compromise is announced at a
// deploy: a cutoff (the vendor's own or stack-wide) before, at or after trustedFrom, never after
// that deploy; sometimes a later deploy re-trusts the vendor (trustedFrom := that deploy's instant,
// maybe with a new subject, as the runbook says); sometimes the vendor is suspended for a few
// deploys. One deploy, at random, is run twice with the same config (idempotence). Each history is
// replayed under support.INTERLEAVINGS orders of its steps; in about half of them one deploy of the
// last interleaving fails part-way (an injected failure) and is deployed again at once.
//
// The expected state is computed here from the rule as the README states it, not from
// components/vendorConnection/federatedPlan.ts. Each history is replayed once per interleaving
// (~50 ms each) and every property checks the same replays. 120 histories (360 replays, each with
// its every-step checks) keep npm ci + npm test on a clean clone under its 5 minutes beside the
// other property suites (see invariants.property.test.ts); more, and the memory the kept replays
// hold makes each one slower.

const FEDERATED = "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const ISSUER = "https://login.fabrikam.example/tenants/contoso";
const SUBJECTS = ["backup-agent:contoso", "backup-agent:contoso:after-incident"] as const;
const DEFAULT_AUDIENCES = ["api://AzureADTokenExchange"];
const TRUST_SPAN_MS = 30 * support.DAY;

interface History {
    bystander: support.PolicyDraw;
    gaps: number[]; // between consecutive deploys, in units of the bystander's renewBefore
    trustedBefore: number; // trustedFrom lies this fraction of TRUST_SPAN_MS before the first deploy
    audience?: string; // undefined: the default audience
    withVault: boolean; // a federated connection may be given a vault; it must keep nothing in it
    // The cutoff lies at `position` from as long before trustedFrom as deploy `atDeploy` is after it
    // (0.5: exactly trustedFrom, shrinking towards it too) to that deploy's instant.
    compromise?: { atDeploy: number; position: number; stackWide: boolean };
    reTrust?: { deploysAfterCompromise: number; newSubject: boolean };
    suspension?: { fromDeploy: number; deploys: number };
    repeatDeploy: number; // which deploy is run twice (modulo the number of deploys)
    interleavings: number[]; // simulator seeds, one replay each
    failure?: support.FailureDraw; // in the last interleaving
}

const { uniform } = support;

const histories: fc.Arbitrary<History> = fc.record(
    {
        bystander: support.policyDraw,
        gaps: fc.array(fc.oneof(uniform(0.01, 1), uniform(1.01, 4)), { minLength: 2, maxLength: 4 }),
        trustedBefore: uniform(0, 1),
        audience: fc.constantFrom("api://fabrikam-backup", "api://AzureADTokenExchange"),
        withVault: fc.boolean(),
        compromise: fc.record({
            atDeploy: fc.integer({ min: 0, max: 4 }),
            position: fc.oneof({ arbitrary: uniform(0, 1), weight: 4 }, { arbitrary: fc.constantFrom(0.5, 1), weight: 1 }),
            stackWide: fc.boolean(),
        }),
        reTrust: fc.record({ deploysAfterCompromise: fc.integer({ min: 1, max: 4 }), newSubject: fc.boolean() }),
        suspension: fc.record({ fromDeploy: fc.integer({ min: 0, max: 4 }), deploys: fc.integer({ min: 1, max: 3 }) }),
        repeatDeploy: fc.nat(),
        interleavings: support.interleavingsDraw,
        failure: support.failureDraw(5),
    },
    { requiredKeys: ["bystander", "gaps", "trustedBefore", "withVault", "repeatDeploy", "interleavings"] },
);

/** What one deploy of the history declares. */
interface DeployConfig {
    readonly at: Date;
    readonly ownCutoff: Date | undefined; // the vendor's revokeIssuedBefore
    readonly stackCutoff: Date | undefined; // the stack-wide one, for both connections
    readonly trustedFrom: Date;
    readonly subject: string;
    readonly suspended: boolean; // the vendor only
}

interface Deploy extends DeployConfig, support.DeployRuns {
    /** The same config deployed again at the same instant, for one deploy of the history. */
    readonly repeat?: DeployRun;
}

interface Replay {
    readonly sim: DeploySimulator;
    /** The simulator seed of this interleaving. */
    readonly seed: number;
    readonly deploys: readonly Deploy[];
    readonly bystanderPolicy: CertificatePolicy;
    readonly audiences: readonly string[];
}

function deployConfigs(h: History, bystanderPolicy: CertificatePolicy): DeployConfig[] {
    const instants = support.deployInstants(h.gaps, bystanderPolicy.renewBeforeMs);
    const trustedFrom = support.instantBetween(support.HISTORY_START - TRUST_SPAN_MS, support.HISTORY_START, 1 - h.trustedBefore);
    const compromise = h.compromise && h.compromise.atDeploy < instants.length ? h.compromise : undefined;
    let cutoff: Date | undefined;
    if (compromise) {
        const announced = instants[compromise.atDeploy];
        cutoff = support.instantBetween(trustedFrom.getTime() - (announced - trustedFrom.getTime()), announced, compromise.position);
    }
    const reTrustAt = compromise && h.reTrust ? compromise.atDeploy + h.reTrust.deploysAfterCompromise : undefined;
    return instants.map((t, i) => {
        const current = compromise !== undefined && i >= compromise.atDeploy ? cutoff : undefined;
        const reTrusted = reTrustAt !== undefined && i >= reTrustAt;
        return {
            at: new Date(t),
            ownCutoff: compromise?.stackWide ? undefined : current,
            stackCutoff: compromise?.stackWide ? current : undefined,
            trustedFrom: reTrusted ? new Date(instants[reTrustAt!]) : trustedFrom,
            subject: reTrusted && h.reTrust!.newSubject ? SUBJECTS[1] : SUBJECTS[0],
            suspended: support.suspendedAtDeploy(h.suspension, i),
        };
    });
}

const rfc3339 = (instant: Date | undefined) => (instant ? toRfc3339(instant) : undefined);
/** The cutoffs that are set, as VendorConnection's revokeIssuedBefore list takes them. */
const cutoffs = (...given: (string | undefined)[]) => {
    const set = given.filter((cutoff): cutoff is string => cutoff !== undefined);
    return set.length > 0 ? set : undefined;
};

const replays = support.memoizedReplays(async (h: History): Promise<Replay[]> => {
    const all: Replay[] = [];
    for (const [i, seed] of h.interleavings.entries()) {
        all.push(await replayAnew(h, seed, i === h.interleavings.length - 1 ? h.failure : undefined));
    }
    return all;
});

async function replayAnew(h: History, seed: number, failure: support.FailureDraw | undefined): Promise<Replay> {
    const { VendorConnection } = await import("../../components");
    const certificate = support.policyOf(h.bystander);
    const bystanderPolicy = resolveCertificatePolicy(certificate, "bystander");
    // As the example stack does (index.ts): the latest of the connection's cutoff and the stack-wide one applies.
    const program = (d: DeployConfig) => () => {
        new VendorConnection("vendor", {
            permissions: support.historyPermissions,
            credential: {
                type: "federated",
                issuer: ISSUER,
                subject: d.subject,
                audiences: h.audience === undefined ? undefined : [h.audience],
                trustedFrom: toRfc3339(d.trustedFrom),
            },
            vault: h.withVault ? support.historyVault : undefined,
            now: d.at.toISOString(),
            revokeIssuedBefore: cutoffs(rfc3339(d.ownCutoff), rfc3339(d.stackCutoff)),
            suspended: d.suspended,
        });
        new VendorConnection("bystander", {
            permissions: support.historyPermissions,
            certificate,
            vault: support.historyVault,
            now: d.at.toISOString(),
            revokeIssuedBefore: cutoffs(rfc3339(d.stackCutoff)),
        });
    };
    const sim = new DeploySimulator({ project: "vendor-connections", seed, issuers: { [CERTIFICATE_TYPE]: fakeCertificateIssuer() } });
    const configs = deployConfigs(h, bystanderPolicy);
    const repeatDeploy = h.repeatDeploy % configs.length;
    const deploys: Deploy[] = [];
    for (const [i, config] of configs.entries()) {
        const runs = await support.deployOnce(sim, config.at, program(config), failure?.atDeploy === i ? failure.atOperation : undefined);
        deploys.push({ ...config, ...runs, repeat: i === repeatDeploy ? await sim.up(config.at, program(config)) : undefined });
    }
    return { sim, seed, deploys, bystanderPolicy, audiences: h.audience === undefined ? DEFAULT_AUDIENCES : [h.audience] };
}

// ---- the rule, as the README states it, and the simulated state ---------------------------------

function effectiveCutoff(d: DeployConfig): Date | undefined {
    const cutoffs = [d.ownCutoff, d.stackCutoff].filter((c): c is Date => c !== undefined);
    return cutoffs.length === 0 ? undefined : new Date(Math.max(...cutoffs.map((c) => c.getTime())));
}

function revoked(d: DeployConfig): boolean {
    const cutoff = effectiveCutoff(d);
    return cutoff !== undefined && cutoff > d.trustedFrom;
}

/** The federated identity credentials registered after deploy `d`, or at a point inside a run; fails on one on another application than the vendor's. */
function federatedAfter(r: Replay, d: DeployConfig | RunPoint): ResourceVersion[] {
    const all = r.sim.resourcesAt("at" in d ? d.at : d, FEDERATED);
    const vendorApp = support.applicationId(r.sim, "vendor");
    assert.deepEqual(
        all.filter((f) => f.inputs.applicationId !== vendorApp).map((f) => f.key),
        [],
        "a federated identity credential registered on another application than the vendor's",
    );
    return all;
}

function servicePrincipalAfter(r: Replay, d: DeployConfig): ResourceVersion {
    const found = r.sim.resourcesAt(d.at, support.SERVICE_PRINCIPAL).filter((v) => v.name === "vendor-sp");
    assert.equal(found.length, 1, `expected one vendor-sp after the deploy at ${d.at.toISOString()}`);
    return found[0];
}

const describePoint = (point: RunPoint): string => `run #${point.run} step ${point.step}`;

function describeDeploy(d: DeployConfig): string {
    return `deploy at ${d.at.toISOString()} (trustedFrom ${d.trustedFrom.toISOString()}, cutoff ${effectiveCutoff(d)?.toISOString() ?? "none"}${d.suspended ? ", suspended" : ""})`;
}

/** What decides the vendor's resources at a deploy: when this is unchanged, the deploy must leave them alone. */
function vendorConfigOf(d: DeployConfig): string {
    return d.suspended ? "suspended" : revoked(d) ? "revoked" : `trusted ${d.subject} since ${d.trustedFrom.toISOString()}`;
}

/** The deploy a run belongs to (its failed attempt, its redeploy or its repeat). */
function deployOfRun(r: Replay, run: number): Deploy {
    return r.deploys.find((d) => d.repeat?.index === run) ?? r.deploys[support.deployIndexOf(r.deploys, run)];
}

const RUNS = support.propertyRuns(20261129, 120);

describe(`federated vendor connections over ${RUNS.numRuns} simulated deploy histories, ${support.INTERLEAVINGS} interleavings each (real VendorConnection, stand-in issuer for the bystander)`, function () {
    this.timeout(600_000);
    after(() => replays.clear());

    it("1 revocation: after a deploy whose cutoff is later than trustedFrom no federated credential is registered, nor at any step while it stays revoked; otherwise exactly one, with the configured issuer, subject and audiences", async () => {
        const seen = { revoked: 0, trustedDespiteCutoff: 0, reTrusted: 0, cutoffAtTrust: 0, stepsWithoutTrust: 0 };
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                support.eachInterleaving(await replays.replay(h), (r) => {
                    // At every step: only ever the configured issuer, on the vendor's application (federatedAfter
                    // checks that), and nothing at all once a successful deploy removed the credential and the
                    // vendor has stayed revoked or suspended since.
                    const untrusted = (d: DeployConfig) => d.suspended || revoked(d);
                    for (const point of r.sim.points()) {
                        const registered = federatedAfter(r, point);
                        assert.deepEqual(
                            registered.filter((f) => f.inputs.issuer !== ISSUER).map((f) => f.key),
                            [],
                            `another issuer at ${describePoint(point)}`,
                        );
                        const i = r.deploys.indexOf(deployOfRun(r, point.run));
                        if (i > 0 && untrusted(r.deploys[i - 1]) && untrusted(r.deploys[i])) {
                            seen.stepsWithoutTrust += 1;
                            assert.deepEqual(
                                registered.map((f) => f.key),
                                [],
                                `a federated credential at ${describePoint(point)}, while the vendor stays revoked or suspended`,
                            );
                        }
                    }
                    for (const [i, d] of r.deploys.entries()) {
                        if (d.suspended) {
                            continue;
                        }
                        const registered = federatedAfter(r, d);
                        const cutoff = effectiveCutoff(d);
                        if (revoked(d)) {
                            seen.revoked += 1;
                            assert.deepEqual(
                                registered.map((f) => f.key),
                                [],
                                `a federated credential is registered after the ${describeDeploy(d)}`,
                            );
                            continue;
                        }
                        if (cutoff !== undefined) {
                            seen.trustedDespiteCutoff += 1;
                            seen.cutoffAtTrust += cutoff.getTime() === d.trustedFrom.getTime() ? 1 : 0;
                            seen.reTrusted += i > 0 && revoked(r.deploys[i - 1]) ? 1 : 0;
                        }
                        assert.equal(registered.length, 1, `${registered.length} federated credentials after the ${describeDeploy(d)}`);
                        const { issuer, subject, audiences } = registered[0].inputs;
                        assert.deepEqual({ issuer, subject, audiences }, { issuer: ISSUER, subject: d.subject, audiences: r.audiences }, `after the ${describeDeploy(d)}`);
                    }
                }),
            ),
            RUNS,
        );
        // Each kind of deploy must have been seen, or the property proves nothing about it.
        const floor = RUNS.numRuns / 50;
        assert.ok(
            Object.values(seen).every((n) => n > floor),
            `too few deploys of some kind: ${JSON.stringify(seen)}`,
        );
    });

    it("2 suspension: while suspended no federated credential is registered and the service principal is disabled; after it the credential is back unless revoked", async () => {
        const seen = { suspended: 0, backAfterSuspension: 0, revokedAfterSuspension: 0 };
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                support.eachInterleaving(await replays.replay(h), (r) => {
                    for (const [i, d] of r.deploys.entries()) {
                        const registered = federatedAfter(r, d);
                        const sp = servicePrincipalAfter(r, d);
                        if (d.suspended) {
                            seen.suspended += 1;
                            assert.deepEqual(
                                registered.map((f) => f.key),
                                [],
                                `a federated credential is registered after the ${describeDeploy(d)}`,
                            );
                            assert.equal(sp.inputs.accountEnabled, false, `the service principal is enabled after the ${describeDeploy(d)}`);
                            continue;
                        }
                        assert.equal(sp.inputs.accountEnabled, true, `the service principal is disabled after the ${describeDeploy(d)}`);
                        if (i > 0 && r.deploys[i - 1].suspended) {
                            const expected = revoked(d) ? 0 : 1;
                            seen[expected === 1 ? "backAfterSuspension" : "revokedAfterSuspension"] += 1;
                            assert.equal(registered.length, expected, `${registered.length} federated credentials after the ${describeDeploy(d)}, the first after a suspension`);
                        }
                    }
                }),
            ),
            RUNS,
        );
        const floor = RUNS.numRuns / 50;
        assert.ok(
            Object.values(seen).every((n) => n > floor),
            `too few deploys of some kind: ${JSON.stringify(seen)}`,
        );
    });

    it("3 no certificate material: the federated connection never has a certificate, key credential, vault secret or secret reader; the bystander has them", async () => {
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                support.eachInterleaving(await replays.replay(h), (r) => {
                    const material = [CERTIFICATE_TYPE, APPLICATION_CERTIFICATE_TYPE, support.SECRET, ROLE_ASSIGNMENT];
                    // Every dynamic resource but the sweep, which holds no certificate material.
                    const ever = r.sim.versions.filter((v) => material.includes(v.type) || (v.dynamic && v.type !== SWEEP_TYPE));
                    assert.deepEqual(
                        ever.filter((v) => v.name.startsWith("vendor-")).map((v) => `${v.type} ${v.name}`),
                        [],
                        "the federated connection had certificate material",
                    );
                    const vendorApp = support.applicationId(r.sim, "vendor");
                    assert.ok(
                        !ever.some((v) => v.type === APPLICATION_CERTIFICATE_TYPE && v.inputs.applicationId === vendorApp),
                        "a key credential was registered on the vendor's application",
                    );
                    // The check can fail: the same reading finds the bystander's.
                    for (const type of [CERTIFICATE_TYPE, APPLICATION_CERTIFICATE_TYPE, support.SECRET]) {
                        assert.ok(
                            ever.some((v) => v.type === type && v.name.startsWith("bystander-")),
                            `the bystander has no ${type}`,
                        );
                    }
                    const outputs = r.sim.one("vendor-connections:index:VendorConnection", "vendor").outputs;
                    assert.deepEqual([outputs.secretName, outputs.secretUri, outputs.activeThumbprint, outputs.certificates], [undefined, undefined, undefined, []]);
                }),
            ),
            RUNS,
        );
    });

    it("4 blast radius: the vendor's compromise, suspension or re-trust never touches the bystander (only its own schedule rotates it, and then only its credential resources); the vendor changes only its federated credential and service principal, and only when its config does", async () => {
        let vendorEventsAlone = 0;
        let failedDeploys = 0;
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                support.eachInterleaving(await replays.replay(h), (r) => {
                    failedDeploys += r.deploys.filter((d) => d.failed).length;
                    for (const [i, d] of r.deploys.entries()) {
                        if (i === 0) {
                            continue;
                        }
                        const previous = r.deploys[i - 1];
                        const bystander = support.changedResources(support.operationsOf(d), "bystander");
                        const bystanderScheduled =
                            support.certificateSchedule(r.bystanderPolicy, previous.at, [previous.stackCutoff]) !==
                            support.certificateSchedule(r.bystanderPolicy, d.at, [d.stackCutoff]);
                        if (!bystanderScheduled) {
                            assert.deepEqual(bystander, [], `the bystander changed at the ${describeDeploy(d)} without a rotation or revocation of its own`);
                        }
                        assert.deepEqual(
                            bystander.filter((resource) => !support.CREDENTIAL_RESOURCES.test(resource)),
                            [],
                            `the bystander's rotation at the ${describeDeploy(d)} touched more than its credential resources`,
                        );

                        const vendor = support.changedResources(support.operationsOf(d), "vendor");
                        const vendorEvent = vendorConfigOf(previous) !== vendorConfigOf(d);
                        vendorEventsAlone += vendorEvent && !bystanderScheduled ? 1 : 0;
                        if (!vendorEvent) {
                            assert.deepEqual(vendor, [], `the vendor changed at the ${describeDeploy(d)} although its config did not`);
                        }
                        const spAllowed = previous.suspended !== d.suspended;
                        assert.deepEqual(
                            vendor.filter((resource) => !(resource === "federated" || (spAllowed && resource === "sp"))),
                            [],
                            `the vendor changed more than its federated credential at the ${describeDeploy(d)}`,
                        );
                    }
                }),
            ),
            RUNS,
        );
        assert.ok(vendorEventsAlone > RUNS.numRuns / 5, `only ${vendorEventsAlone} vendor events without a bystander rotation in the same deploy`);
        // Deploys that failed part-way and were redeployed: what this property says of them needs some.
        assert.ok(failedDeploys > RUNS.numRuns / 10, `only ${failedDeploys} deploys failed part-way`);
    });

    it("5 idempotence: a redeploy at the same instant with unchanged config performs no operation", async () => {
        const seen = { trusted: 0, revoked: 0, suspended: 0 };
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                support.eachInterleaving(await replays.replay(h), (r) => {
                    const d = r.deploys.find((deploy) => deploy.repeat !== undefined)!;
                    seen[d.suspended ? "suspended" : revoked(d) ? "revoked" : "trusted"] += 1;
                    assert.deepEqual(
                        d.repeat!.operations.map((o) => `${o.kind} ${o.name}`),
                        [],
                        `the repeat of the ${describeDeploy(d)} changed something`,
                    );
                }),
            ),
            RUNS,
        );
        const floor = RUNS.numRuns / 50;
        assert.ok(
            Object.values(seen).every((n) => n > floor),
            `too few repeats of some kind: ${JSON.stringify(seen)}`,
        );
    });

    // Without the secret's dependency on the active key credential, the engine's interleavings break
    // this (tests/vendorConnection/publishAfterRegister.test.ts replays one).
    it("6 publication: at every step of every run the bystander's vault secret publishes a certificate that is a valid key credential of its application (unless revoked by the run's stack-wide cutoff, or expired)", async () => {
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                support.eachInterleaving(await replays.replay(h), (r) => {
                    for (const point of r.sim.points()) {
                        const problem = unregisteredPublication(r.sim, point, "bystander", { cutoffOf: (run) => deployOfRun(r, run).stackCutoff });
                        assert.equal(problem, undefined, problem);
                    }
                }),
            ),
            RUNS,
        );
    });
});
