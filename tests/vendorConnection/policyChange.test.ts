import * as assert from "node:assert/strict";
import { APPLICATION_CERTIFICATE_TYPE, CERTIFICATE_TYPE, DeployError, DeployRun, DeploySimulator, fakeCertificateIssuer } from "../simulator";
import { FAKE_VAULT } from "../support/fakes";
import { unregisteredPublications } from "../support/publishedCertificate";
import { GRAPH_USER_READ, T } from "./support";

// A certificate policy change (key size, lifetime, renewBefore) re-issues the slots' certificates,
// and so replaces their key credentials, without any revocation: the credentials it replaces are
// not compromised and one of them is what the vendor signs in with. Each is replaced
// create-before-delete (the successor registered first, the old one deleted at the end of the
// update), so at every step of the deploy, under every interleaving replayed here and when the
// deploy fails part-way, the application has a valid key credential and the vault publishes a
// certificate Entra holds. Only a revocation deletes first (redeploys.test.ts); see
// docs/architecture.md#delete-before-replace-key-credentials.

// Default policy P30D / renewBefore P10D: inside the overlap of two windows, two certificates (slot a
// of the window that opened 2026-11-03, slot b of the one that opened 2026-11-23, active).
const IN_OVERLAP = new Date("2026-11-28T12:00:00Z");
const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7];

const CHANGES = [
    // Same windows and identities, a new key: both slots re-issued.
    { what: "keySize 2048 to 3072", certificate: { keySize: 3072 }, replaced: ["acme-credential-a", "acme-credential-b"], removed: [] },
    // Windows of 30 days: one certificate, slot a, with the same window start but a later notAfter.
    { what: "lifetime P30D to P45D", certificate: { lifetime: "P45D" }, replaced: ["acme-credential-a"], removed: ["acme-credential-b"] },
    // Windows of 25 days: one certificate, slot b, of a window that opened 2026-11-18.
    { what: "renewBefore P10D to P5D", certificate: { renewBefore: "P5D" }, replaced: ["acme-credential-b"], removed: ["acme-credential-a"] },
];

describe("VendorConnection across a certificate policy change", function () {
    this.timeout(120_000);
    let components: typeof import("../../components");

    before(async () => {
        components = await import("../../components");
    });

    const connection = (now: Date, certificate?: object) => () => {
        new components.VendorConnection("acme", { permissions: GRAPH_USER_READ, vault: FAKE_VAULT, now: now.toISOString(), certificate });
    };

    /** Problems at any point of any run so far: an unregistered publication, or no valid key credential. */
    function problems(sim: DeploySimulator): string[] {
        const appId = sim.one(T.application, "acme-app").id;
        const gaps = sim
            .keyCredentialGapsDuringRuns()
            .filter((g) => g.applicationId === appId)
            .map((g) => `run #${g.run} step ${g.step}: no valid key credential${g.after ? ` after ${g.after.kind} ${g.after.name}` : ""}`);
        return [...unregisteredPublications(sim, ["acme"], () => ({ cutoffOf: () => undefined })), ...gaps];
    }

    /** The most key credentials registered at once inside `run`, valid or not. */
    function mostRegistered(sim: DeploySimulator, run: DeployRun): number {
        const counts = sim
            .points()
            .filter((p) => p.run === run.index)
            .map((p) => sim.resourcesAt(p, APPLICATION_CERTIFICATE_TYPE).length);
        return Math.max(...counts);
    }

    for (const change of CHANGES) {
        it(`${change.what}, redeployed at the same instant: each key credential replaced create-before-delete, and at every step a valid one registered and published (seeds ${SEEDS.join(", ")})`, async () => {
            for (const seed of SEEDS) {
                const sim = new DeploySimulator({ project: "vendor-connections", seed, issuers: { [CERTIFICATE_TYPE]: fakeCertificateIssuer() } });
                assert.ok((await sim.up(IN_OVERLAP, connection(IN_OVERLAP))).ok);
                const run = await sim.up(IN_OVERLAP, connection(IN_OVERLAP, change.certificate));
                assert.ok(run.ok, run.error?.message);
                const replaced = run.replaces.filter((r) => r.type === T.credential);
                assert.deepEqual(
                    replaced.map((r) => [r.name, r.deleteBeforeReplace]).sort(),
                    change.replaced.map((name) => [name, false]),
                    `seed ${seed}`,
                );
                for (const { key } of replaced) {
                    assert.deepEqual(
                        run.operations.filter((o) => o.key === key).map((o) => o.kind),
                        ["create-replacement", "delete-replaced"],
                        `seed ${seed}: ${key}`,
                    );
                }
                assert.deepEqual(
                    run.deletes.filter((r) => r.type === T.credential).map((r) => r.name),
                    change.removed,
                    `seed ${seed}`,
                );
                // The vault moved on to the new active certificate.
                assert.deepEqual(
                    run.updates.map((r) => r.name),
                    ["acme-secret"],
                    `seed ${seed}`,
                );
                assert.deepEqual(problems(sim), [], `seed ${seed}\n${sim.describe()}`);
                // Transiently the old credentials and their successors, until the deletes at the end.
                const before = 2;
                assert.equal(mostRegistered(sim, run), before + change.replaced.length, `seed ${seed}`);
                assert.equal(sim.resourcesAt(IN_OVERLAP, APPLICATION_CERTIFICATE_TYPE).length, before - change.removed.length, `seed ${seed}`);
            }
        });
    }

    // The trade-off of deciding by the new certificate alone (Pulumi reads deleteBeforeReplace from
    // the new registration, never the old state): from a revocation until the revoked window's
    // certificate leaves the schedule, that certificate keeps its revocation identity, so a policy
    // change in that time re-issues it delete-first, exactly like the revocation it cannot be told
    // from. Revocation errs safe; the cost is bounded here: the vendor has no credential from that
    // delete to the successor's registration, and the vault serves the old one until it moves on.
    it("a policy change while a revocation identity is still scheduled deletes that slot's key credential first, and the gap ends with its successor's registration", async () => {
        for (const seed of SEEDS) {
            const sim = new DeploySimulator({ project: "vendor-connections", seed, issuers: { [CERTIFICATE_TYPE]: fakeCertificateIssuer() } });
            const cutoff = "2026-11-28T12:30:00Z";
            const deploy = (at: Date, certificate?: object) => () => {
                new components.VendorConnection("acme", {
                    permissions: GRAPH_USER_READ,
                    vault: FAKE_VAULT,
                    now: at.toISOString(),
                    certificate,
                    revokeIssuedBefore: at > IN_OVERLAP ? [cutoff] : undefined,
                });
            };
            assert.ok((await sim.up(IN_OVERLAP, deploy(IN_OVERLAP))).ok);
            const revokedAt = new Date("2026-11-28T13:00:00Z");
            assert.ok((await sim.up(revokedAt, deploy(revokedAt))).ok);
            const changedAt = new Date("2026-11-29T13:00:00Z");
            const run = await sim.up(changedAt, deploy(changedAt, { keySize: 3072 }));
            assert.ok(run.ok, run.error?.message);
            assert.deepEqual(
                run.replaces.filter((r) => r.type === T.credential).map((r) => [r.name, r.deleteBeforeReplace]),
                [["acme-credential-b", true]],
            );
            const stepOf = (kind: string, name: string) => run.operations.find((o) => o.kind === kind && o.name === name)!.step + 1;
            const deleted = stepOf("delete-replaced", "acme-credential-b");
            const registered = stepOf("create-replacement", "acme-credential-b");
            const moved = stepOf("update", "acme-secret");
            const inRun = (problem: string) => problem.includes(`run #${run.index} step`);
            const stepsOf = (found: string[]) => found.filter(inRun).map((p) => Number(/run #\d+ step (\d+)/.exec(p)![1]));
            const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
            const appId = sim.one(T.application, "acme-app").id;
            assert.deepEqual(
                sim
                    .keyCredentialGapsDuringRuns()
                    .filter((g) => g.applicationId === appId)
                    .map((g) => [g.run, g.step]),
                range(deleted, registered).map((step) => [run.index, step]),
                `seed ${seed}`,
            );
            const cutoffOf = (r: number) => (r > 0 ? new Date(cutoff) : undefined);
            assert.deepEqual(stepsOf(unregisteredPublications(sim, ["acme"], () => ({ cutoffOf }))), range(deleted, moved), `seed ${seed}`);
            assert.deepEqual(
                unregisteredPublications(sim, ["acme"], () => ({ cutoffOf })).filter((p) => !inRun(p)),
                [],
                `seed ${seed}`,
            );
        }
    });

    // The other side of it: in one deploy that both revokes and changes the policy, a slot whose new
    // window opened after the cutoff has no revocation identity, so its old credential, issued before
    // the cutoff, is replaced create-before-delete and deleted at the end of the update, as a slot
    // the revocation drops is: gone after the deploy, but not in its own step.
    it("a revocation and a policy change in one deploy: the slot with a revocation identity is deleted first, the other's revoked credential at the end of the update; none survives the deploy", async () => {
        const sim = new DeploySimulator({ project: "vendor-connections", seed: 1, issuers: { [CERTIFICATE_TYPE]: fakeCertificateIssuer() } });
        assert.ok((await sim.up(IN_OVERLAP, connection(IN_OVERLAP))).ok);
        // P20D (renewBefore P6DT16H): windows of 13 days 8 hours, one opened 2026-11-29T16:00Z, after the cutoff.
        const at = new Date("2026-11-29T18:00:00Z");
        const cutoff = new Date("2026-11-29T15:00:00Z");
        const run = await sim.up(at, () => {
            new components.VendorConnection("acme", {
                permissions: GRAPH_USER_READ,
                vault: FAKE_VAULT,
                now: at.toISOString(),
                certificate: { lifetime: "P20D" },
                revokeIssuedBefore: [cutoff.toISOString()],
            });
        });
        assert.ok(run.ok, run.error?.message);
        assert.deepEqual(
            run.replaces
                .filter((r) => r.type === T.credential)
                .map((r) => [r.name, r.deleteBeforeReplace])
                .sort(),
            [
                ["acme-credential-a", true],
                ["acme-credential-b", false],
            ],
        );
        // Among the deletes at the end: after every step that creates or updates.
        const deleted = run.operations.find((o) => o.kind === "delete-replaced" && o.name === "acme-credential-b")!;
        assert.ok(
            run.operations.filter((o) => o.kind !== "delete-replaced" && o.kind !== "delete").every((o) => o.step < deleted.step),
            sim.describe(),
        );
        const registered = sim.resourcesAt(at, APPLICATION_CERTIFICATE_TYPE);
        assert.equal(registered.length, 2);
        assert.ok(registered.every((credential) => credential.createdAt >= cutoff));
    });

    it(`a key size change that fails at any operation leaves a valid key credential registered and published at every step, and the redeploy finishes it (seeds ${SEEDS.join(", ")})`, async () => {
        let failures = 0;
        for (const seed of SEEDS) {
            // How many operations the change takes under this seed: each is made to fail once.
            const probe = new DeploySimulator({ project: "vendor-connections", seed, issuers: { [CERTIFICATE_TYPE]: fakeCertificateIssuer() } });
            await probe.up(IN_OVERLAP, connection(IN_OVERLAP));
            const operations = (await probe.up(IN_OVERLAP, connection(IN_OVERLAP, { keySize: 3072 }))).operations.length;
            for (let failAt = 0; failAt < operations; failAt++) {
                const sim = new DeploySimulator({ project: "vendor-connections", seed, issuers: { [CERTIFICATE_TYPE]: fakeCertificateIssuer() } });
                await sim.up(IN_OVERLAP, connection(IN_OVERLAP));
                await assert.rejects(sim.up(IN_OVERLAP, connection(IN_OVERLAP, { keySize: 3072 }), { failAt }), DeployError);
                failures += 1;
                const redeploy = await sim.up(IN_OVERLAP, connection(IN_OVERLAP, { keySize: 3072 }));
                assert.ok(redeploy.ok, redeploy.error?.message);
                assert.deepEqual(problems(sim), [], `seed ${seed}, failing at operation ${failAt}\n${sim.describe()}`);
                assert.equal(sim.resourcesAt(IN_OVERLAP, APPLICATION_CERTIFICATE_TYPE).length, 2);
            }
        }
        assert.ok(failures >= SEEDS.length * 5, `only ${failures} failed deploys`);
    });
});
