import * as assert from "node:assert/strict";
import { CertificateSchedule, isRevocationIdentity, resolveCertificatePolicy, scheduleCertificates } from "../../components/rotation";
import { toRfc3339 } from "../../components/time";
import { assertOneIssue, validationIssues } from "./support";

// Lifetime P30D, renewBefore P10D: windows of 20 days from the epoch. Around the dates used here:
//   window 1038 (slot a): opens 2026-11-03, its certificate is valid until 2026-12-03
//   window 1039 (slot b): opens 2026-11-23, valid until 2026-12-23
//   window 1040 (slot a): opens 2026-12-13, valid until 2027-01-12
const policy = resolveCertificatePolicy({ lifetime: "P30D", renewBefore: "P10D" }, "connections.acme.certificate");
const at = (iso: string) => new Date(iso);
const schedule = (now: string, cutoffs: (string | undefined)[] = [], suspended = false) =>
    scheduleCertificates({ policy, now: at(now), revokeIssuedBefore: cutoffs.map((c) => (c === undefined ? undefined : at(c))), suspended, path: "connections.acme" });

/** The schedule as plain strings, for exact comparisons. */
function plain(s: CertificateSchedule) {
    return {
        certificates: s.certificates.map((c) => ({
            slot: c.slot,
            window: c.window,
            identity: c.identity,
            notBefore: toRfc3339(c.notBefore),
            notAfter: toRfc3339(c.notAfter),
            active: c.active,
        })),
        active: s.active?.identity,
        nextRotation: s.nextRotation && toRfc3339(s.nextRotation),
        revokeIssuedBefore: s.revokeIssuedBefore?.toISOString(),
        suspended: s.suspended,
    };
}

const W1038 = { slot: "a", window: 1038, identity: "window:2026-11-03T00:00:00Z", notBefore: "2026-11-03T00:00:00Z", notAfter: "2026-12-03T00:00:00Z", active: false };
const W1039 = { slot: "b", window: 1039, identity: "window:2026-11-23T00:00:00Z", notBefore: "2026-11-23T00:00:00Z", notAfter: "2026-12-23T00:00:00Z", active: true };

describe("rotation: schedule", () => {
    it("after the overlap: one certificate, for the current window", () => {
        assert.deepEqual(plain(schedule("2026-12-05T00:00:00Z")), {
            certificates: [W1039],
            active: W1039.identity,
            nextRotation: "2026-12-13T00:00:00Z",
            revokeIssuedBefore: undefined,
            suspended: false,
        });
    });

    it("during the overlap: the previous certificate too, oldest first, active last", () => {
        assert.deepEqual(plain(schedule("2026-11-25T12:00:00Z")).certificates, [W1038, W1039]);
    });

    it("keeps the previous certificate until the instant it expires, and not at that instant", () => {
        assert.deepEqual(plain(schedule("2026-12-02T23:59:59.999Z")).certificates, [W1038, W1039]);
        assert.deepEqual(plain(schedule("2026-12-03T00:00:00Z")).certificates, [W1039]);
    });

    it("opens a window exactly at its start, alternating slots", () => {
        assert.deepEqual(plain(schedule("2026-12-12T23:59:59.999Z")).certificates, [W1039]);
        const next = plain(schedule("2026-12-13T00:00:00Z"));
        assert.deepEqual(next.certificates, [
            { ...W1039, active: false },
            { slot: "a", window: 1040, identity: "window:2026-12-13T00:00:00Z", notBefore: "2026-12-13T00:00:00Z", notAfter: "2027-01-12T00:00:00Z", active: true },
        ]);
        assert.equal(next.nextRotation, "2027-01-02T00:00:00Z");
    });

    it("is the same for every instant of a window once the overlap is over (idempotent redeploys)", () => {
        assert.deepEqual(plain(schedule("2026-12-03T00:00:00Z")), plain(schedule("2026-12-12T23:59:59.999Z")));
    });

    it("works before 1970 too (negative windows keep their parity)", () => {
        const s = scheduleCertificates({ policy, now: at("1969-12-15T00:00:00Z") });
        assert.deepEqual(
            s.certificates.map((c) => [c.window, c.slot, toRfc3339(c.notBefore)]),
            [
                [-2, "a", "1969-11-22T00:00:00Z"],
                [-1, "b", "1969-12-12T00:00:00Z"],
            ],
        );
    });

    describe("revocation", () => {
        it("cutoff inside the current window: a fresh active certificate and no overlap", () => {
            assert.deepEqual(plain(schedule("2026-11-25T12:00:00Z", ["2026-11-24T09:00:00Z"])), {
                certificates: [
                    {
                        slot: "b",
                        window: 1039,
                        identity: "window:2026-11-23T00:00:00Z;revoked:2026-11-24T09:00:00Z",
                        notBefore: "2026-11-24T09:00:00Z",
                        notAfter: "2026-12-23T00:00:00Z",
                        active: true,
                    },
                ],
                active: "window:2026-11-23T00:00:00Z;revoked:2026-11-24T09:00:00Z",
                nextRotation: "2026-12-13T00:00:00Z",
                revokeIssuedBefore: "2026-11-24T09:00:00.000Z",
                suspended: false,
            });
        });

        it("cutoff inside the previous window: the previous one keeps the identity a deploy after the cutoff gave it", () => {
            // A deploy on 2026-11-15 with this cutoff declared exactly this certificate as active.
            const before = plain(schedule("2026-11-15T00:00:00Z", ["2026-11-10T00:00:00Z"]));
            const revoked1038 = { ...W1038, identity: "window:2026-11-03T00:00:00Z;revoked:2026-11-10T00:00:00Z", notBefore: "2026-11-10T00:00:00Z" };
            assert.deepEqual(before.certificates, [{ ...revoked1038, active: true }]);
            assert.deepEqual(plain(schedule("2026-11-25T12:00:00Z", ["2026-11-10T00:00:00Z"])).certificates, [revoked1038, W1039]);
        });

        it("cutoff exactly at the current window's start: the active certificate is kept, the previous one dropped", () => {
            // Every deploy that published window 1038 ran before the cutoff: none of its
            // certificates survives, and no deploy could have published a replacement for it.
            assert.deepEqual(plain(schedule("2026-11-25T12:00:00Z", ["2026-11-23T00:00:00Z"])).certificates, [W1039]);
        });

        it("cutoff one second before the current window's start: the previous one is kept with the identity it may have been published under", () => {
            assert.deepEqual(plain(schedule("2026-11-25T12:00:00Z", ["2026-11-22T23:59:59Z"])).certificates, [
                { ...W1038, identity: "window:2026-11-03T00:00:00Z;revoked:2026-11-22T23:59:59Z", notBefore: "2026-11-22T23:59:59Z" },
                W1039,
            ]);
        });

        it("cutoff exactly at the previous window's start: nothing of that window predates it, so the vendor keeps the previous certificate as it is", () => {
            const s = plain(schedule("2026-11-25T12:00:00Z", ["2026-11-03T00:00:00Z"]));
            assert.deepEqual(s.certificates, [W1038, W1039]);
        });

        it("cutoff long ago: changes nothing", () => {
            const s = plain(schedule("2026-11-25T12:00:00Z", ["2026-01-01T00:00:00Z"]));
            assert.deepEqual(s.certificates, [W1038, W1039]);
            assert.equal(s.revokeIssuedBefore, "2026-01-01T00:00:00.000Z");
        });

        it("cutoff equal to the deploy instant is allowed", () => {
            const s = plain(schedule("2026-12-05T00:00:00Z", ["2026-12-05T00:00:00Z"]));
            assert.deepEqual(
                s.certificates.map((c) => [c.identity, c.notBefore]),
                [["window:2026-11-23T00:00:00Z;revoked:2026-12-05T00:00:00Z", "2026-12-05T00:00:00Z"]],
            );
        });

        it("multiple cutoffs: the latest applies, in any order, undefined ones ignored", () => {
            const expected = plain(schedule("2026-12-05T00:00:00Z", ["2026-12-01T00:00:00Z"]));
            assert.deepEqual(plain(schedule("2026-12-05T00:00:00Z", ["2026-11-01T00:00:00Z", undefined, "2026-12-01T00:00:00Z"])), expected);
            assert.deepEqual(plain(schedule("2026-12-05T00:00:00Z", ["2026-12-01T00:00:00Z", "2026-11-01T00:00:00Z"])), expected);
            assert.deepEqual(plain(schedule("2026-12-05T00:00:00Z", [undefined, undefined])), plain(schedule("2026-12-05T00:00:00Z")));
        });

        it("a sub-second cutoff: compared exactly, written to the second in validity, kept exact in the identity", () => {
            const s = plain(schedule("2026-12-05T00:00:00Z", ["2026-11-23T00:00:00.500Z"]));
            assert.deepEqual(
                s.certificates.map((c) => [c.identity, c.notBefore]),
                [["window:2026-11-23T00:00:00Z;revoked:2026-11-23T00:00:00.500Z", "2026-11-23T00:00:00Z"]],
            );
        });

        it("isRevocationIdentity: true exactly for the identities a cutoff gave, whatever the window or the policy", () => {
            const identities = (now: string, cutoffs: string[] = []) => schedule(now, cutoffs).certificates.map((c) => [c.identity, isRevocationIdentity(c.identity)]);
            // No cutoff, or one before every window: no revocation identity.
            assert.deepEqual(identities("2026-11-25T12:00:00Z"), [
                [W1038.identity, false],
                [W1039.identity, false],
            ]);
            assert.deepEqual(identities("2026-11-25T12:00:00Z", ["2026-01-01T00:00:00Z"]), [
                [W1038.identity, false],
                [W1039.identity, false],
            ]);
            // A cutoff inside the previous window: that one's identity carries it, the active one's does not.
            assert.deepEqual(identities("2026-11-25T12:00:00Z", ["2026-11-10T00:00:00Z"]), [
                ["window:2026-11-03T00:00:00Z;revoked:2026-11-10T00:00:00Z", true],
                [W1039.identity, false],
            ]);
            // A cutoff inside the current window, sub-second too.
            assert.deepEqual(identities("2026-12-05T00:00:00Z", ["2026-11-23T00:00:00.500Z"]), [["window:2026-11-23T00:00:00Z;revoked:2026-11-23T00:00:00.500Z", true]]);
            const hourly = resolveCertificatePolicy({ lifetime: "PT1H", renewBefore: "PT20M", keySize: 3072 }, "p");
            const [active] = scheduleCertificates({ policy: hourly, now: at("2026-12-05T00:50:00Z"), revokeIssuedBefore: [at("2026-12-05T00:45:00Z")] }).certificates;
            assert.equal(active.identity, "window:2026-12-05T00:40:00Z;revoked:2026-12-05T00:45:00Z");
            assert.equal(isRevocationIdentity(active.identity), true);
            for (const other of ["", "revoked", "window:2026-11-23T00:00:00Z", "window:2026-11-23T00:00:00Z;revoked", "cutoff;revoked:2026-11-23T00:00:00Z"]) {
                assert.equal(isRevocationIdentity(other), false, other);
            }
        });

        it("a cutoff in the future is an error naming its path", () => {
            assertOneIssue(
                () => schedule("2026-12-05T00:00:00Z", ["2026-12-05T00:00:00.001Z"]),
                "connections.acme.revokeIssuedBefore",
                /^2026-12-05T00:00:00\.001Z is in the future; a revocation cutoff must be at or before the deploy time \(2026-12-05T00:00:00\.000Z\)/,
            );
        });

        it("with several cutoffs, each bad one is reported by index", () => {
            const issues = validationIssues(() => schedule("2026-12-05T00:00:00Z", ["2027-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z"]));
            assert.deepEqual(
                issues.map((i) => i.path),
                ["connections.acme.revokeIssuedBefore[0]", "connections.acme.revokeIssuedBefore[2]"],
            );
        });

        it("an invalid Date is an error", () => {
            assertOneIssue(
                () => scheduleCertificates({ policy, now: at("2026-12-05T00:00:00Z"), revokeIssuedBefore: [new Date(NaN)] }),
                "revokeIssuedBefore",
                /is not a valid instant; use an RFC 3339 instant/,
            );
        });
    });

    describe("suspension", () => {
        it("no certificate and no next rotation", () => {
            assert.deepEqual(plain(schedule("2026-11-25T12:00:00Z", ["2026-11-10T00:00:00Z"], true)), {
                certificates: [],
                active: undefined,
                nextRotation: undefined,
                revokeIssuedBefore: "2026-11-10T00:00:00.000Z",
                suspended: true,
            });
        });

        it("still rejects a future cutoff", () => {
            assertOneIssue(() => schedule("2026-11-25T12:00:00Z", ["2027-01-01T00:00:00Z"], true), "connections.acme.revokeIssuedBefore", /is in the future/);
        });

        it("resuming declares exactly what an unsuspended connection has", () => {
            assert.deepEqual(plain(schedule("2026-11-25T12:00:00Z", [], false)).certificates, [W1038, W1039]);
        });
    });

    it("rejects an invalid deploy instant as a programming error", () => {
        assert.throws(() => scheduleCertificates({ policy, now: new Date(NaN) }), { name: "RangeError", message: "scheduleCertificates: now is not a valid Date." });
    });

    it("rejects a policy resolveCertificatePolicy would not produce: no overlap, no window, or windows off whole seconds", () => {
        const now = at("2026-12-05T00:00:00Z");
        for (const bad of [
            { ...policy, renewBeforeMs: 0 },
            { ...policy, renewBeforeMs: -1000 },
            { ...policy, lifetimeMs: policy.renewBeforeMs },
            { ...policy, lifetimeMs: policy.lifetimeMs + 500 },
        ]) {
            assert.throws(() => scheduleCertificates({ policy: bad, now }), {
                name: "RangeError",
                message: "scheduleCertificates: policy was not produced by resolveCertificatePolicy.",
            });
        }
    });

    it("the continuity bound is tight: a gap of renewBefore plus 1 ms can outlive the certificate the vendor has", () => {
        // Deployed 1 ms before window 1040 opens; next deploy renewBefore + 1 ms later.
        const t1 = schedule("2026-12-12T23:59:59.999Z");
        const t2 = schedule("2026-12-23T00:00:00Z");
        const held = t1.active!;
        assert.equal(toRfc3339(held.notAfter), "2026-12-23T00:00:00Z"); // expired at t2 (notAfter is exclusive)
        assert.ok(!t2.certificates.some((c) => c.identity === held.identity));
    });
});
