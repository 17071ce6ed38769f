import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { CertificatePolicy, CertificateSchedule, PlannedCertificate, formatDuration, resolveCertificatePolicy, scheduleCertificates } from "../../components/rotation";
import { parseRfc3339 } from "../../components/time";

// Properties of the pure schedule over random policies, deploy instants and revocation cutoffs.
// What they prove, given an engine that keeps a resource whose inputs are unchanged and replaces
// one whose inputs change (what the redeploy simulator checks against the real program):
// - bounded exposure: at most two certificates, none longer than the lifetime, none expired;
// - continuity: deploys at most renewBefore apart never remove the certificate the vault
//   published, and it stays valid until the next deploy;
// - idempotence: identities change only when a window opens or a cutoff newly applies;
// - revocation: no certificate declared under cutoff T can have been created before T.
// Seeds are fixed so a failure reproduces; fast-check prints the counterexample and its path.

const RUNS = 2000;
const SECOND = 1000;

interface Case {
    readonly policy: CertificatePolicy;
    readonly periodMs: number;
}

const policyArb: fc.Arbitrary<Case> = fc
    .integer({ min: 3600, max: 397 * 86_400 })
    .chain((lifetimeS) =>
        fc.record({
            lifetimeS: fc.constant(lifetimeS),
            // Undefined: the default, a third of the lifetime.
            renewBeforeS: fc.option(fc.oneof(fc.integer({ min: 1, max: Math.floor(lifetimeS / 2) }), fc.constant(Math.floor(lifetimeS / 2))), { nil: undefined }),
        }),
    )
    .map(({ lifetimeS, renewBeforeS }) => {
        const policy = resolveCertificatePolicy(
            { lifetime: formatDuration(lifetimeS * SECOND), renewBefore: renewBeforeS === undefined ? undefined : formatDuration(renewBeforeS * SECOND) },
            "certificate",
        );
        return { policy, periodMs: policy.lifetimeMs - policy.renewBeforeMs };
    });

/** Deploy instants: anywhere (with milliseconds), or just around a window start or an overlap end. */
function instantArb({ policy, periodMs }: Case): fc.Arbitrary<number> {
    const anywhere = fc.integer({ min: -1e12, max: 8e12 });
    const nearEdge = fc
        .record({
            window: fc.integer({ min: -50, max: 50 }),
            edge: fc.constantFrom(0, policy.renewBeforeMs),
            delta: fc.oneof(fc.constantFrom(-1, 0, 1, -SECOND, SECOND), fc.integer({ min: -3 * SECOND, max: 3 * SECOND })),
        })
        .map(({ window, edge, delta }) => 1_700_000_000_000 - (1_700_000_000_000 % periodMs) + window * periodMs + edge + delta);
    return fc.oneof(anywhere, nearEdge);
}

/**
 * Revocation cutoffs at or before `latest`: 0 to 3 of them (some undefined), either anywhere in
 * the two lifetimes before it or just around a window start, so that cutoffs fall before, inside
 * and exactly at the edges of the current and previous windows.
 */
function cutoffsArb({ policy, periodMs }: Case, latest: number): fc.Arbitrary<(Date | undefined)[]> {
    const windowStart = Math.floor(latest / periodMs) * periodMs;
    const one = fc
        .oneof(
            fc.integer({ min: 0, max: 2 * policy.lifetimeMs }).map((back) => latest - back),
            fc
                .record({ windowsBack: fc.integer({ min: 0, max: 2 }), delta: fc.integer({ min: -2 * SECOND, max: 2 * SECOND }) })
                .map(({ windowsBack, delta }) => Math.min(latest, windowStart - windowsBack * periodMs + delta)),
            fc.integer({ min: 0, max: 1e12 }).map((back) => latest - back),
        )
        .map((ms) => new Date(ms));
    return fc.array(fc.option(one, { nil: undefined }), { maxLength: 3 });
}

const scenarioArb = policyArb.chain((c) =>
    instantArb(c).chain((now) => fc.record({ case: fc.constant(c), now: fc.constant(now), cutoffs: cutoffsArb(c, now), suspended: fc.boolean() })),
);

/** Two deploy instants t1 < t2 at most `maxGap` apart, and cutoffs at or before t1 (unchanged between them). */
const pairArb = (maxGap: (c: Case) => number) =>
    policyArb.chain((c) =>
        instantArb(c).chain((t1) =>
            fc.record({
                case: fc.constant(c),
                t1: fc.constant(t1),
                t2: fc.oneof(fc.integer({ min: 1, max: maxGap(c) }), fc.constant(maxGap(c))).map((gap) => t1 + gap),
                cutoffs: cutoffsArb(c, t1),
            }),
        ),
    );

function run(c: Case, now: number, cutoffs: readonly (Date | undefined)[], suspended = false): CertificateSchedule {
    return scheduleCertificates({ policy: c.policy, now: new Date(now), revokeIssuedBefore: cutoffs, suspended });
}

const validAt = (cert: PlannedCertificate, t: number) => cert.notBefore.getTime() <= t && t < cert.notAfter.getTime();
const sameCertificate = (a: PlannedCertificate, b: PlannedCertificate) =>
    a.slot === b.slot && a.window === b.window && a.identity === b.identity && a.notBefore.getTime() === b.notBefore.getTime() && a.notAfter.getTime() === b.notAfter.getTime();
const latestCutoff = (cutoffs: readonly (Date | undefined)[]) =>
    cutoffs.reduce<number | undefined>((max, d) => (d === undefined ? max : max === undefined ? d.getTime() : Math.max(max, d.getTime())), undefined);

/** An identity decoded: the window start it names and, if revoked, the cutoff it names. */
function decode(identity: string): { windowStart: number; cutoff: number | undefined } {
    const match = /^window:([^;]+)(?:;revoked:(.+))?$/.exec(identity);
    assert.ok(match, `malformed identity ${identity}`);
    const windowStart = parseRfc3339(match[1])?.getTime();
    const cutoff = match[2] === undefined ? undefined : parseRfc3339(match[2])?.getTime();
    assert.ok(windowStart !== undefined && (match[2] === undefined || cutoff !== undefined), `malformed identity ${identity}`);
    return { windowStart, cutoff };
}

/**
 * The earliest instant at which any deploy, under any cutoffs, can declare this identity: a
 * window's certificate is first declared when the window opens, a revoked one when its cutoff
 * has passed. A certificate with this identity can only have been created at or after it.
 */
function earliestDeclaration(identity: string): number {
    const { windowStart, cutoff } = decode(identity);
    return cutoff ?? windowStart;
}

describe("rotation: schedule properties", function () {
    this.timeout(20_000);

    it("shape: suspended means nothing; otherwise 1-2 certificates in distinct slots, oldest first, active last", () => {
        fc.assert(
            fc.property(scenarioArb, ({ case: c, now, cutoffs, suspended }) => {
                const s = run(c, now, cutoffs, suspended);
                assert.equal(s.suspended, suspended);
                assert.equal(s.revokeIssuedBefore?.getTime(), latestCutoff(cutoffs));
                if (suspended) {
                    assert.deepEqual([s.certificates.length, s.active, s.nextRotation], [0, undefined, undefined]);
                    return;
                }
                const k = Math.floor(now / c.periodMs);
                assert.ok(s.certificates.length >= 1 && s.certificates.length <= 2);
                assert.equal(s.certificates[s.certificates.length - 1], s.active);
                assert.deepEqual(
                    s.certificates.map((x) => x.active),
                    s.certificates.length === 2 ? [false, true] : [true],
                );
                assert.deepEqual(
                    s.certificates.map((x) => x.window),
                    s.certificates.length === 2 ? [k - 1, k] : [k],
                );
                for (const cert of s.certificates) {
                    assert.equal(cert.slot, Math.abs(cert.window % 2) === 0 ? "a" : "b");
                }
                // Deterministic: no clock, no randomness.
                assert.deepEqual(run(c, now, cutoffs), s);
            }),
            { numRuns: RUNS, seed: 3101 },
        );
    });

    it("bounded exposure: every certificate is valid now, at most lifetime long, in whole seconds; the active one has more than renewBefore left", () => {
        fc.assert(
            fc.property(scenarioArb, ({ case: c, now, cutoffs }) => {
                const s = run(c, now, cutoffs);
                for (const cert of s.certificates) {
                    const from = cert.notBefore.getTime();
                    const to = cert.notAfter.getTime();
                    assert.ok(validAt(cert, now), `${cert.identity} is not valid at ${new Date(now).toISOString()}`);
                    assert.ok(to - from <= c.policy.lifetimeMs && to > from);
                    assert.ok(Number.isInteger(from / SECOND) && Number.isInteger(to / SECOND), "not whole seconds");
                }
                // Whatever the vault publishes lasts past any deploy within renewBefore from now.
                assert.ok(s.active!.notAfter.getTime() - now > c.policy.renewBeforeMs);
            }),
            { numRuns: RUNS, seed: 3102 },
        );
    });

    it("next rotation: after now, at most one period away, and exactly the active certificate's renewal point", () => {
        fc.assert(
            fc.property(scenarioArb, ({ case: c, now, cutoffs }) => {
                const s = run(c, now, cutoffs);
                const next = s.nextRotation!.getTime();
                assert.ok(next > now && next - now <= c.periodMs);
                assert.equal(next, s.active!.notAfter.getTime() - c.policy.renewBeforeMs);
                // A deploy at the next rotation opens a new window: the active identity changes then.
                assert.notEqual(run(c, next, cutoffs).active!.identity, s.active!.identity);
            }),
            { numRuns: RUNS, seed: 3103 },
        );
    });

    it("identity determines the certificate (slot, window, validity) and could have been published in its own window", () => {
        // So comparing identities is comparing the certificate resource's inputs: the engine keeps
        // a certificate exactly when its identity is declared again.
        fc.assert(
            fc.property(scenarioArb, ({ case: c, now, cutoffs }) => {
                for (const cert of run(c, now, cutoffs).certificates) {
                    const { windowStart, cutoff } = decode(cert.identity);
                    assert.equal(cert.window * c.periodMs, windowStart);
                    assert.equal(cert.notBefore.getTime(), cutoff === undefined ? windowStart : Math.floor(cutoff / SECOND) * SECOND);
                    assert.equal(cert.notAfter.getTime(), windowStart + c.policy.lifetimeMs);
                    if (cutoff !== undefined) {
                        // A revocation identity is only for a window that opened before the cutoff.
                        assert.ok(windowStart < cutoff);
                    }
                    // Every identity is one that a deploy inside its own window could have
                    // published as active: the previous certificate is kept, never made up
                    // for the overlap (in particular none survives a cutoff at or after the
                    // current window's start: revocation has no overlap).
                    assert.ok(earliestDeclaration(cert.identity) < windowStart + c.periodMs, `${cert.identity} could never have been published`);
                }
            }),
            { numRuns: RUNS, seed: 3104 },
        );
    });

    it("revocation: under cutoff T every declared identity can only have been created at or after T, and says so in notBefore", () => {
        fc.assert(
            fc.property(scenarioArb, ({ case: c, now, cutoffs }) => {
                const s = run(c, now, cutoffs);
                const cutoff = latestCutoff(cutoffs);
                for (const cert of s.certificates) {
                    // Sound: this deploy itself declares the identity, so it cannot be declared before...
                    assert.ok(earliestDeclaration(cert.identity) <= now);
                    if (cutoff !== undefined) {
                        // ...and safe: nothing declared now can have been created before the cutoff.
                        assert.ok(earliestDeclaration(cert.identity) >= cutoff, `${cert.identity} may predate ${new Date(cutoff).toISOString()}`);
                        assert.ok(cert.notBefore.getTime() >= Math.floor(cutoff / SECOND) * SECOND);
                    }
                }
            }),
            { numRuns: RUNS, seed: 3105 },
        );
    });

    it("idempotence: within one window the active certificate is identical, and a later deploy only drops the expired previous one", () => {
        fc.assert(
            fc.property(
                pairArb((c) => c.periodMs),
                ({ case: c, t1, t2, cutoffs }) => {
                    fc.pre(Math.floor(t1 / c.periodMs) === Math.floor(t2 / c.periodMs));
                    const a = run(c, t1, cutoffs);
                    const b = run(c, t2, cutoffs);
                    assert.deepEqual(b.active, a.active);
                    assert.deepEqual(b.nextRotation, a.nextRotation);
                    assert.ok(b.certificates.every((x) => a.certificates.some((y) => sameCertificate(x, y))));
                    if (b.certificates.length < a.certificates.length) {
                        assert.ok(a.certificates[0].notAfter.getTime() <= t2, "the previous certificate was dropped before it expired");
                    }
                },
            ),
            { numRuns: RUNS, seed: 3106 },
        );
    });

    it("no premature removal: with unchanged cutoffs, a certificate disappears only once it has expired", () => {
        fc.assert(
            fc.property(
                pairArb((c) => 3 * c.policy.lifetimeMs),
                ({ case: c, t1, t2, cutoffs }) => {
                    const later = run(c, t2, cutoffs).certificates;
                    for (const cert of run(c, t1, cutoffs).certificates) {
                        if (cert.notAfter.getTime() > t2) {
                            assert.ok(
                                later.some((x) => sameCertificate(x, cert)),
                                `${cert.identity} removed while valid`,
                            );
                        }
                    }
                },
            ),
            { numRuns: RUNS, seed: 3107 },
        );
    });

    it("continuity: deploys at most renewBefore apart keep the published certificate registered, unchanged and valid throughout, and rotate at most one slot", () => {
        fc.assert(
            fc.property(
                pairArb((c) => c.policy.renewBeforeMs),
                ({ case: c, t1, t2, cutoffs }) => {
                    const before = run(c, t1, cutoffs);
                    const after = run(c, t2, cutoffs);
                    const published = before.active!;
                    // Validity is an interval, so both ends suffice for every instant of [t1, t2].
                    assert.ok(validAt(published, t1) && validAt(published, t2));
                    assert.ok(
                        after.certificates.some((x) => sameCertificate(x, published)),
                        "the published certificate was replaced or removed",
                    );
                    assert.ok(validAt(after.active!, t2));
                    const created = after.certificates.filter((x) => !before.certificates.some((y) => sameCertificate(x, y)));
                    assert.ok(created.length <= 1);
                },
            ),
            { numRuns: RUNS, seed: 3108 },
        );
    });

    it("continuity through a revocation: a new cutoff between two deploys within renewBefore still leaves a valid certificate at every instant", () => {
        // Until the deploy at t2 the certificates declared at t1 stay registered; at t2 the engine
        // creates the replacement before deleting what it replaces.
        fc.assert(
            fc.property(
                pairArb((c) => c.policy.renewBeforeMs).chain((p) => fc.record({ pair: fc.constant(p), cutoff: fc.integer({ min: p.t1 + 1, max: p.t2 }) })),
                ({ pair: { case: c, t1, t2, cutoffs }, cutoff }) => {
                    const published = run(c, t1, cutoffs).active!;
                    const after = run(c, t2, [...cutoffs, new Date(cutoff)]);
                    assert.ok(validAt(published, t1) && validAt(published, t2 - 1));
                    assert.ok(validAt(after.active!, t2));
                    // The published certificate may predate the cutoff (it was declared at t1 < cutoff): it is gone.
                    assert.ok(!after.certificates.some((x) => x.identity === published.identity));
                },
            ),
            { numRuns: RUNS, seed: 3109 },
        );
    });
});
