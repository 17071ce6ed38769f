// WORK IN PROGRESS, not run by npm test (the file name does not match *.test.ts) until it is fixed:
// properties 2-6 pass at 1,000 histories but take ~70 s each with the simulator; property 1 fails on
// a history with a gap beyond renewBefore (the vault check must be limited to compliant histories or
// the matching of secret to certificate is wrong: to be investigated). See the issue note.
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { CERTIFICATE_TYPE, DeploySimulator, fakeCertificateIssuer } from "../simulator";
import { resolveCertificatePolicy, scheduleCertificates } from "../../components/rotation";
import { toRfc3339 } from "../../components/time";

// DESIGN.md's rotation invariants, checked over random deploy histories of the real VendorConnection
// under the redeploy simulator. Certificates come from the simulator's stand-in issuer (a real RSA
// key per certificate would cost ~0.3 s; the real provider runs in the example-based tests).
// Each history: a random policy, 3-6 deploys with random gaps (some beyond renewBefore), maybe a
// revocation cutoff, and a bystander connection with its own policy that is never revoked.

const CREDENTIAL = "azuread:index/applicationCertificate:ApplicationCertificate";
const HOUR = 3_600_000;
const vault = { vaultId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv", vaultName: "kv", resourceGroupName: "rg" };
const START = Date.parse("2026-01-01T00:00:00Z");

interface History {
    lifetimeHours: number;
    renewFraction: number;
    bystanderLifetimeHours: number;
    gaps: number[]; // as fractions of renewBefore
    revokeAtDeploy: number | undefined; // index of the deploy whose config first carries a cutoff
}

const histories = fc.record({
    lifetimeHours: fc.integer({ min: 1, max: 24 * 60 }),
    renewFraction: fc.double({ min: 0.05, max: 0.5, noNaN: true }),
    bystanderLifetimeHours: fc.integer({ min: 1, max: 24 * 60 }),
    gaps: fc.array(fc.oneof(fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: 1.01, max: 4, noNaN: true })), { minLength: 2, maxLength: 5 }),
    revokeAtDeploy: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
});

async function replay(h: History) {
    const { VendorConnection } = await import("../../components");
    const lifetime = `PT${h.lifetimeHours}H`;
    const renewBeforeSeconds = Math.max(1, Math.floor(((h.lifetimeHours * HOUR) / 1000) * h.renewFraction));
    const policy = { lifetime, renewBefore: `PT${renewBeforeSeconds}S` };
    const bystander = { lifetime: `PT${h.bystanderLifetimeHours}H` };
    const renewBeforeMs = renewBeforeSeconds * 1000;

    const instants = [START];
    for (const gap of h.gaps) {
        instants.push(instants[instants.length - 1] + Math.max(1000, Math.floor(gap * renewBeforeMs)));
    }
    const revokeIndex = h.revokeAtDeploy !== undefined && h.revokeAtDeploy < instants.length ? h.revokeAtDeploy : undefined;
    // The cutoff is announced somewhere between the previous deploy and this one.
    const cutoff = revokeIndex === undefined ? undefined : new Date(Math.floor((instants[revokeIndex - 1] + instants[revokeIndex]) / 2000) * 1000);

    const sim = new DeploySimulator({ project: "vendor-connections", issuers: { [CERTIFICATE_TYPE]: fakeCertificateIssuer() } });
    const runs = [];
    for (const [index, t] of instants.entries()) {
        const now = new Date(t);
        const revokeIssuedBefore = revokeIndex !== undefined && index >= revokeIndex ? toRfc3339(cutoff!) : undefined;
        const program = () => {
            new VendorConnection("vendor", { permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }], certificate: policy, vault, now, revokeIssuedBefore });
            new VendorConnection("bystander", { permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }], certificate: bystander, vault, now });
        };
        runs.push({ run: await sim.up(now, program), now, program });
    }
    return { sim, runs, instants, cutoff, renewBeforeMs, policy: resolveCertificatePolicy(policy, "p"), bystanderPolicy: resolveCertificatePolicy(bystander, "b") };
}

function credentialsOf(sim: DeploySimulator, at: Date, connection: string) {
    return [...sim.keyCredentialsAt(at, { includeInvalid: true }).values()].flat().filter((c) => c.name.startsWith(`${connection}-`));
}

function opsOn(run: { operations: readonly { name: string }[] }, connection: string): string[] {
    return run.operations.filter((o) => o.name.startsWith(`${connection}-`)).map((o) => o.name);
}

const RUNS = { numRuns: 1000, seed: 4242 };

describe("rotation invariants over simulated deploy histories (1,000 histories each)", function () {
    this.timeout(600_000);

    it("1 continuity: with deploys at least every renewBefore there is never an instant without a valid credential, and the vault holds one of them", async () => {
        await fc.assert(
            fc.asyncProperty(histories, async (h) => {
                const { sim, runs, instants, renewBeforeMs } = await replay(h);
                const compliant = instants.every((t, i) => i === 0 || t - instants[i - 1] <= renewBeforeMs);
                const gaps = sim.keyCredentialGaps(new Date(instants[0]), new Date(instants[instants.length - 1]));
                if (compliant) {
                    assert.deepEqual(gaps, [], "a compliant schedule must have no credential gap");
                } else if (gaps.length > 0) {
                    // Gaps exist only where deploys stopped for longer than renewBefore: reported, not hidden.
                    for (const gap of gaps) {
                        assert.ok(instants.some((t, i) => i > 0 && instants[i - 1] <= gap.from.getTime() && t - instants[i - 1] > renewBeforeMs));
                    }
                }
                for (const { now } of runs) {
                    const secret = sim.resourcesAt(now, "azure-native:keyvault:Secret").find((s) => s.name === "vendor-secret")!;
                    const registered = credentialsOf(sim, now, "vendor").map((c) => sim.resourcesAt(now, CERTIFICATE_TYPE).find((cert) => cert.outputs.certificatePem === sim.one(CREDENTIAL, c.name).inputs.value));
                    assert.ok(registered.some((cert) => cert?.outputs.thumbprintSha1 === (secret.inputs.tags as any).thumbprintSha1), "the vault holds a registered certificate");
                }
            }),
            RUNS,
        );
    });

    it("2 bounded exposure and 4 idempotence: at most two credentials, none longer than the lifetime; a repeat deploy changes nothing", async () => {
        await fc.assert(
            fc.asyncProperty(histories, async (h) => {
                const { sim, runs, policy } = await replay(h);
                for (const { now } of runs) {
                    const creds = credentialsOf(sim, now, "vendor");
                    assert.ok(creds.length <= 2, `${creds.length} credentials registered`);
                    for (const c of creds) {
                        assert.ok(c.endDate.getTime() - c.startDate.getTime() <= policy.lifetimeMs);
                        assert.ok(c.endDate.getTime() > now.getTime(), "an expired credential was kept");
                    }
                }
                const last = runs[runs.length - 1];
                const again = await sim.up(last.now, last.program);
                assert.deepEqual(again.operations.map((o) => o.name), []);
            }),
            RUNS,
        );
    });

    it("3 revocation and 5 blast radius: the first deploy after a cutoff leaves no earlier certificate; the bystander changes only on its own schedule", async () => {
        await fc.assert(
            fc.asyncProperty(histories, async (h) => {
                const { sim, runs, cutoff, bystanderPolicy } = await replay(h);
                runs.forEach(({ run, now }, index) => {
                    if (cutoff && now.getTime() >= cutoff.getTime()) {
                        for (const cert of sim.resourcesAt(now, CERTIFICATE_TYPE).filter((c) => c.name.startsWith("vendor-") && !c.deletedAt?.valueOf?.() || c.deletedAt! > now)) {
                            if (cert.name.startsWith("vendor-")) {
                                assert.ok(cert.createdAt.getTime() >= cutoff.getTime(), `${cert.name} issued before the cutoff survived`);
                            }
                        }
                    }
                    if (index > 0) {
                        const identities = (t: Date) => scheduleCertificates({ policy: bystanderPolicy, now: t }).certificates.map((c) => c.identity).join();
                        if (identities(runs[index - 1].now) === identities(now)) {
                            assert.deepEqual(opsOn(run, "bystander"), [], "the bystander changed without a rotation of its own");
                        }
                    }
                });
            }),
            RUNS,
        );
    });

    it("6 uniqueness: no two certificates ever share a thumbprint", async () => {
        await fc.assert(
            fc.asyncProperty(histories, async (h) => {
                const { sim } = await replay(h);
                const thumbprints = sim.versions.filter((v) => v.type === CERTIFICATE_TYPE).map((v) => v.outputs.thumbprintSha1);
                assert.equal(new Set(thumbprints).size, thumbprints.length);
            }),
            { ...RUNS, numRuns: 1000 },
        );
    });
});
