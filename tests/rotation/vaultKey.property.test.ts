import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { DeploySimulator, Operation, ResourceVersion, RunPoint, VAULT_KEY_ACTIVATION_TYPE, VAULT_KEY_CERTIFICATE_TYPE } from "../simulator";
import { CertificatePolicy, resolveCertificatePolicy } from "../../components/rotation";
import { toRfc3339 } from "../../components/time";
import * as support from "./support";

// Keys that never leave Key Vault (components/vaultKey/README.md), checked over random deploy
// histories of the real VendorConnection replayed by the redeploy simulator, with the simulator's
// stand-ins for the two vault-key resources (the real providers run against a stand-in vault in
// tests/vaultKey). A history is one vault-key connection with a random policy and a signer,
// deployed 3 to 6 times with random gaps (in units of its renewBefore, some beyond it); sometimes
// a compromise is announced (a revocation cutoff), sometimes the connection is suspended for a few
// deploys. Each history is replayed under support.INTERLEAVINGS orders of its steps; in about half
// of them one deploy of the last interleaving fails part-way and is deployed again at once.
//
// What a key version's state is, read from the simulated resources as Key Vault would hold it: a
// version signs (is enabled) while its activation exists and neither the activation nor the
// version's certificate resource has been deleted, since creating the activation enables it and
// deleting either disables it; and Key Vault signs with it only until its expiry, its certificate's
// notAfter. The vendor's signer takes the newest enabled version by expiry. These properties are
// about the order of the resources' steps; that a provider step is whole (a create that fails
// after making its version leaves it disabled) is tests/vaultKey/provider.test.ts's.
// 60 histories (180 replays of one connection) cost a few seconds beside the other suites.

const CONNECTION = "vendor";
const SIGNER = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const SIGNER_ROLE = "azure-native:authorization:RoleAssignment";
const vault = {
    ...support.historyVault,
    vaultUri: "https://kv.vault.azure.net/",
    keySignerRoleDefinitionId: "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/11111111-2222-4333-8444-555555555555",
};

interface History {
    policy: support.PolicyDraw;
    gaps: number[]; // between consecutive deploys, in units of renewBefore
    compromise?: { atDeploy: number; position: number };
    suspension?: { fromDeploy: number; deploys: number };
    interleavings: number[];
    failure?: support.FailureDraw;
}

const histories: fc.Arbitrary<History> = fc.record(
    {
        policy: support.policyDraw,
        gaps: fc.array(fc.oneof(support.uniform(0.01, 1), support.uniform(1.01, 3)), { minLength: 2, maxLength: 5 }),
        compromise: fc.record({ atDeploy: fc.integer({ min: 1, max: 5 }), position: support.uniform(0, 1) }),
        suspension: fc.record({ fromDeploy: fc.integer({ min: 1, max: 5 }), deploys: fc.integer({ min: 1, max: 2 }) }),
        interleavings: support.interleavingsDraw,
        failure: support.failureDraw(6),
    },
    { requiredKeys: ["policy", "gaps", "interleavings"] },
);

interface DeployConfig {
    readonly at: Date;
    readonly cutoff: Date | undefined;
    readonly suspended: boolean;
}

type Deploy = DeployConfig & support.DeployRuns;

interface Replay {
    readonly sim: DeploySimulator;
    readonly seed: number;
    readonly policy: CertificatePolicy;
    readonly deploys: readonly Deploy[];
    /** The program a deploy of `config` runs: what a repeat deploy runs again. */
    readonly program: (config: DeployConfig) => () => void;
}

function deployConfigs(h: History, policy: CertificatePolicy): DeployConfig[] {
    const instants = support.deployInstants(h.gaps, policy.renewBeforeMs);
    const compromise = h.compromise && h.compromise.atDeploy < instants.length ? h.compromise : undefined;
    const cutoff = compromise && support.instantBetween(support.HISTORY_START - policy.lifetimeMs, instants[compromise.atDeploy], compromise.position);
    return instants.map((t, i) => ({
        at: new Date(t),
        cutoff: compromise !== undefined && i >= compromise.atDeploy ? cutoff : undefined,
        suspended: support.suspendedAtDeploy(h.suspension, i),
    }));
}

const replays = support.memoizedReplays(async (h: History): Promise<Replay[]> => {
    const { VendorConnection } = await import("../../components");
    const certificate = support.policyOf(h.policy);
    const policy = resolveCertificatePolicy(certificate, CONNECTION);
    const program = (config: DeployConfig) => () => {
        new VendorConnection(CONNECTION, {
            permissions: support.historyPermissions,
            certificate,
            vault,
            credential: { type: "vaultKey" },
            readers: [SIGNER],
            now: config.at.toISOString(),
            revokeIssuedBefore: config.cutoff ? [toRfc3339(config.cutoff)] : undefined,
            suspended: config.suspended,
        });
    };
    const all: Replay[] = [];
    for (const [i, seed] of h.interleavings.entries()) {
        const failure = i === h.interleavings.length - 1 ? h.failure : undefined;
        const sim = new DeploySimulator({ project: "vendor-connections", seed });
        const deploys: Deploy[] = [];
        for (const [index, config] of deployConfigs(h, policy).entries()) {
            deploys.push({ ...config, ...(await support.deployOnce(sim, config.at, program(config), failure?.atDeploy === index ? failure.atOperation : undefined)) });
        }
        all.push({ sim, seed, policy, deploys, program });
    }
    return all;
});

// ---- reading the simulated vault and tenant ------------------------------------------------------

interface KeyVersionState {
    readonly version: ResourceVersion;
    readonly keyVersion: string;
    readonly notAfter: string;
}

/** The versions that sign at `when`: their activation exists and neither it nor their certificate resource was deleted. */
function enabledAt(sim: DeploySimulator, when: Date | RunPoint): KeyVersionState[] {
    const activated = new Set(sim.resourcesAt(when, VAULT_KEY_ACTIVATION_TYPE).map((a) => String(a.inputs.keyVersion)));
    return sim
        .resourcesAt(when, VAULT_KEY_CERTIFICATE_TYPE)
        .filter((v) => activated.has(String(v.outputs.keyVersion)))
        .map((version) => ({ version, keyVersion: String(version.outputs.keyVersion), notAfter: String(version.outputs.notAfter) }));
}

/** What the vendor's signer picks: the newest enabled version by expiry. */
function signingVersionAt(sim: DeploySimulator, when: Date | RunPoint): KeyVersionState | undefined {
    return enabledAt(sim, when).sort((a, b) => Date.parse(b.notAfter) - Date.parse(a.notAfter))[0];
}

/** The key credential registering `version`'s certificate at `when`, if Entra has it. */
function registrationOf(sim: DeploySimulator, when: Date | RunPoint, version: ResourceVersion) {
    const appId = support.applicationId(sim, CONNECTION);
    return (sim.keyCredentialsAt(when, { includeInvalid: true }).get(appId) ?? []).find((credential) => credential.value === version.outputs.certificatePem);
}

const describeWhen = (when: Date | RunPoint): string => (when instanceof Date ? when.toISOString() : `run #${when.run} step ${when.step}`);

/** The operations deploy `d` had done by `point`: its failed run's, then its redeploy's. */
function operationsUpTo(d: Deploy, point: RunPoint): readonly Operation[] {
    if (point.run === d.failed?.index) {
        return d.failed.operations.slice(0, point.step);
    }
    return point.run === d.run.index ? [...(d.failed?.operations ?? []), ...d.run.operations.slice(0, point.step)] : [];
}

/** The end of deploy `d`'s successful run: what it leaves. */
function endOf(d: Deploy): RunPoint {
    return { run: d.run.index, step: d.run.operations.length };
}

const RUNS = support.propertyRuns(20261202, 60);

describe(`vault-key invariants over ${RUNS.numRuns} simulated deploy histories, ${support.INTERLEAVINGS} interleavings each (real VendorConnection, stand-in vault)`, function () {
    this.timeout(600_000);
    after(() => replays.clear());

    it("a vendor signs only with a key version whose certificate Entra holds, at every step of every run, failed ones included", async () => {
        let enabledSeen = 0;
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                support.eachInterleaving(await replays.replay(h), ({ sim }) => {
                    for (const point of sim.points()) {
                        for (const { version, keyVersion } of enabledAt(sim, point)) {
                            enabledSeen += 1;
                            assert.ok(
                                registrationOf(sim, point, version),
                                `key version ${keyVersion} (${version.name}) signs at ${describeWhen(point)}, but Entra has no key credential for its certificate`,
                            );
                        }
                    }
                }),
            ),
            RUNS,
        );
        assert.ok(enabledSeen > RUNS.numRuns, `only ${enabledSeen} enabled versions seen: the property checked almost nothing`);
    });

    it("after each deploy the version the signer picks is registered and valid, and deploying at least every renewBefore it never lacks one", async () => {
        let continuousSteps = 0;
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                support.eachInterleaving(await replays.replay(h), ({ sim, policy, deploys }) => {
                    deploys.forEach((d, i) => {
                        if (d.suspended) {
                            return;
                        }
                        const picked = signingVersionAt(sim, endOf(d));
                        assert.ok(picked, `no enabled key version after deploy ${i} at ${d.at.toISOString()}`);
                        const registered = registrationOf(sim, endOf(d), picked.version)!;
                        assert.ok(
                            registered.startDate <= d.at && d.at < registered.endDate,
                            `the signer's version ${picked.keyVersion} is not valid at deploy ${i} (${d.at.toISOString()})`,
                        );
                        // Within a deploy that follows the previous one within renewBefore, with no
                        // cutoff and no suspension to end the old version, the vendor always has a
                        // valid version to sign with, at every step.
                        const previous = deploys[i - 1];
                        if (i === 0 || previous.suspended || d.cutoff !== undefined || d.at.getTime() - previous.at.getTime() > policy.renewBeforeMs) {
                            return;
                        }
                        const runs = [d.failed, d.run].filter((run) => run !== undefined);
                        for (const run of runs) {
                            for (let step = 0; step <= run.operations.length; step++) {
                                continuousSteps += 1;
                                const valid = enabledAt(sim, { run: run.index, step }).filter(({ version }) => {
                                    const credential = registrationOf(sim, { run: run.index, step }, version);
                                    return credential !== undefined && credential.startDate <= d.at && d.at < credential.endDate;
                                });
                                assert.ok(valid.length > 0, `no valid enabled key version at run #${run.index} step ${step} of deploy ${i}`);
                            }
                        }
                    });
                }),
            ),
            RUNS,
        );
        assert.ok(continuousSteps > RUNS.numRuns, `only ${continuousSteps} steps checked for continuity`);
    });

    it("revocation: a version issued before the cutoff stops signing before its successor exists, at every step, failed runs included", async () => {
        let stepsAfterAReplacement = 0;
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                support.eachInterleaving(await replays.replay(h), ({ sim, deploys }) => {
                    for (const point of sim.points()) {
                        const d = deploys[support.deployIndexOf(deploys, point.run)];
                        if (d.cutoff === undefined) {
                            continue;
                        }
                        const succeeded = new Set(
                            operationsUpTo(d, point)
                                .filter((o) => o.kind === "create-replacement")
                                .map((o) => o.name),
                        );
                        stepsAfterAReplacement += succeeded.size > 0 ? 1 : 0;
                        for (const { version, keyVersion, notAfter } of enabledAt(sim, point)) {
                            // Key Vault signs with a version only until its expiry, its certificate's notAfter.
                            if (version.createdAt < d.cutoff && Date.parse(notAfter) > d.at.getTime() && succeeded.has(version.name)) {
                                assert.fail(
                                    `key version ${keyVersion}, issued before the cutoff ${d.cutoff.toISOString()}, still signs at ${describeWhen(point)} after its successor was created`,
                                );
                            }
                        }
                    }
                }),
            ),
            RUNS,
        );
        assert.ok(stepsAfterAReplacement > RUNS.numRuns, `only ${stepsAfterAReplacement} steps of revoking deploys came after a replacement`);
    });

    it("revocation: once a deploy with a cutoff succeeds, no version issued before the cutoff signs, then or later", async () => {
        let revokingDeploys = 0;
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                support.eachInterleaving(await replays.replay(h), ({ sim, deploys }) => {
                    deploys.forEach((d, i) => {
                        if (d.cutoff === undefined) {
                            return;
                        }
                        revokingDeploys += 1;
                        for (const later of deploys.slice(i)) {
                            for (const { version, keyVersion, notAfter } of enabledAt(sim, endOf(later))) {
                                assert.ok(
                                    version.createdAt >= d.cutoff! || Date.parse(notAfter) <= later.at.getTime(),
                                    `key version ${keyVersion}, issued ${version.createdAt.toISOString()}, still signs after deploy ${i} revoked everything issued before ${d.cutoff.toISOString()}`,
                                );
                            }
                        }
                    });
                }),
            ),
            RUNS,
        );
        assert.ok(revokingDeploys > RUNS.numRuns / 4, `only ${revokingDeploys} revoking deploys drawn`);
    });

    it("suspension: a suspended connection has no enabled version and no signer", async () => {
        let suspendedDeploys = 0;
        await fc.assert(
            fc.asyncProperty(histories, async (h) =>
                support.eachInterleaving(await replays.replay(h), ({ sim, deploys }) => {
                    for (const d of deploys.filter((deploy) => deploy.suspended)) {
                        suspendedDeploys += 1;
                        assert.deepEqual(
                            enabledAt(sim, endOf(d)).map((v) => v.keyVersion),
                            [],
                            `versions still sign after the suspended deploy at ${d.at.toISOString()}`,
                        );
                        assert.deepEqual(
                            sim.resourcesAt(endOf(d), SIGNER_ROLE).map((r) => r.name),
                            [],
                        );
                    }
                }),
            ),
            RUNS,
        );
        assert.ok(suspendedDeploys > RUNS.numRuns / 4, `only ${suspendedDeploys} suspended deploys drawn`);
    });

    it("idempotence: deploying the same configuration again at the same instant changes no key, credential or signer", async () => {
        await fc.assert(
            fc.asyncProperty(histories, async (h) => {
                const [first] = await replays.replay(h);
                const last = first.deploys[first.deploys.length - 1];
                const again = await first.sim.up(last.at, first.program(last));
                assert.deepEqual(
                    again.operations.map((o) => `${o.kind} ${o.name}`),
                    [],
                );
            }),
            // The repeat deploy changes the first interleaving's history: a few histories suffice.
            { ...RUNS, numRuns: Math.min(RUNS.numRuns, 20) },
        );
    });
});
