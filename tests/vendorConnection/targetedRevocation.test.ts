import * as assert from "node:assert/strict";
import { resolve } from "node:path";
import { CERTIFICATE_TYPE, DeployRun, DeploySimulator, fakeCertificateIssuer } from "../simulator";
import { PROJECT } from "../../cli/config/stackConfig";
import { setDeployInstant } from "../../components/vendorConnection/clock";
import { T } from "./support";

// The operator's command for revoking one connection of the example stack (index.ts) without
// deploying anything else: `pulumi up --target <the connection's URN> --target-dependents`, as
// tests/simulator/README.md derives it from Pulumi's engine, replayed through the redeploy
// simulator's --target semantics. The stack holds "acme", "acme-eu" (whose children a glob on
// `acme-*` would also match) and "backup"; at the second deploy every connection is due for a
// scheduled rotation, so an untargeted deploy would touch all three.

const STACK_PROGRAM = resolve(__dirname, "..", "..", "index.ts");
const ACME_URN = `urn:pulumi:dev::vendor-connections::${T.connection}::acme`;
const CONNECTIONS = ["acme", "acme-eu", "backup"];
// Default policy P30D / renewBefore P10D: a window opens on 2026-11-03 and the next on 2026-11-23.
const FIRST = new Date("2026-11-10T09:00:00Z");
const REVOCATION = new Date("2026-11-24T09:00:00Z");
const CUTOFF = "2026-11-24T08:00:00Z";

function stackConfig(acmeCutoff?: string): Record<string, string> {
    const connections = Object.fromEntries(
        CONNECTIONS.map((name) => [
            name,
            { permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }], ...(name === "acme" && acmeCutoff ? { revokeIssuedBefore: acmeCutoff } : {}) },
        ]),
    );
    return {
        "azure-native:location": "westeurope",
        [`${PROJECT}:vault`]: JSON.stringify({ resourceGroupName: "rg-vendor-connections-dev", createResourceGroup: true, location: "westeurope", name: "kv-vendorconn-dev" }),
        [`${PROJECT}:connections`]: JSON.stringify(connections),
    };
}

/** The example stack program, evaluated afresh as `pulumi up` evaluates it once per deploy. */
function stackProgram(at: Date): () => void {
    return () => {
        setDeployInstant(at);
        delete require.cache[require.resolve(STACK_PROGRAM)];
        require(STACK_PROGRAM);
    };
}

async function deployedStack(): Promise<DeploySimulator> {
    const sim = new DeploySimulator({ project: PROJECT, stack: "dev", issuers: { [CERTIFICATE_TYPE]: fakeCertificateIssuer() } });
    await sim.up(FIRST, stackProgram(FIRST), { config: stackConfig() });
    return sim;
}

/** The connections whose resources (the component or its children) a run operated on. */
function connectionsTouched(run: DeployRun): string[] {
    const owner = (key: string, name: string): string =>
        key.startsWith(`${T.connection}$`)
            ? CONNECTIONS.filter((c) => name.startsWith(`${c}-`)).sort((a, b) => b.length - a.length)[0]
            : key.startsWith(`${T.connection}::`)
              ? name
              : `other: ${key}`;
    return [...new Set(run.operations.map((o) => owner(o.key, o.name)))].sort();
}

describe("revoking one connection of the example stack with pulumi up --target", function () {
    this.timeout(120_000);
    // Leave no trace for test files that run later in this process: the program evaluates afresh on
    // import, at the wall-clock deploy instant.
    after(() => {
        delete require.cache[require.resolve(STACK_PROGRAM)];
        setDeployInstant(new Date());
    });

    it("--target <its URN> --target-dependents revokes its certificates and leaves every other connection, and the vault, alone", async () => {
        const sim = await deployedStack();
        const run = await sim.up(REVOCATION, stackProgram(REVOCATION), { config: stackConfig(CUTOFF), targets: [ACME_URN], targetDependents: true });

        assert.ok(run.ok, run.error?.message);
        assert.deepEqual(connectionsTouched(run), ["acme"], "only acme's resources were operated on");
        const issuedBeforeCutoff = sim.resourcesAt(REVOCATION, CERTIFICATE_TYPE).filter((c) => c.name.startsWith("acme-cert-") && c.createdAt < new Date(CUTOFF));
        assert.deepEqual(
            issuedBeforeCutoff.map((c) => c.name),
            [],
            "acme still holds a certificate issued before the cutoff",
        );
        const acmeApp = sim.one(T.application, "acme-app").id;
        const registered = sim.resourcesAt(REVOCATION, T.credential).filter((c) => c.inputs.applicationId === acmeApp);
        assert.equal(registered.length, 1, "a revocation leaves one key credential, no overlap");
        assert.deepEqual(
            run.operations.filter((o) => o.name === "acme-secret").map((o) => o.kind),
            ["update"],
            "acme's vault secret moved to the new certificate, in place",
        );
    });

    it("without --target-dependents the component alone is targeted: nothing of acme changes, and the update fails on the slot the revocation drops", async () => {
        const sim = await deployedStack();
        await assert.rejects(
            sim.up(REVOCATION, stackProgram(REVOCATION), { config: stackConfig(CUTOFF), targets: [ACME_URN] }),
            /Resource '.*::acme-credential-a' will be destroyed but was not specified in --target list\./,
        );
        assert.deepEqual(sim.history[1].operations, []);
    });

    it("when another connection's step fails, the untargeted revocation deploy leaves acme's revoked slot registered; the targeted deploy then removes it", async () => {
        // The same seed gives the same interleaving: a dry replay finds the step at which backup's rotation runs.
        const probe = await (await deployedStack()).up(REVOCATION, stackProgram(REVOCATION), { config: stackConfig(CUTOFF) });
        const failAt = probe.operations.find((o) => o.name.startsWith("backup-"))!.step;

        const sim = await deployedStack();
        await assert.rejects(sim.up(REVOCATION, stackProgram(REVOCATION), { config: stackConfig(CUTOFF), failAt }));
        const acmeApp = sim.one(T.application, "acme-app").id;
        const revokedStillRegistered = (at: Date) =>
            sim
                .resourcesAt(at, T.credential)
                .filter((c) => c.inputs.applicationId === acmeApp && c.createdAt < new Date(CUTOFF))
                .map((c) => c.name);
        // The slot the revocation drops is deleted only at the end of a successful update.
        assert.ok(revokedStillRegistered(REVOCATION).length > 0, "the failed deploy should have left a revoked key credential registered");

        const retry = new Date(REVOCATION.getTime() + 10 * 60_000);
        const run = await sim.up(retry, stackProgram(retry), { config: stackConfig(CUTOFF), targets: [ACME_URN], targetDependents: true });
        assert.ok(run.ok, run.error?.message);
        assert.deepEqual(revokedStillRegistered(retry), []);
        assert.deepEqual(connectionsTouched(run), ["acme"]);
    });

    it("untargeted, the same deploy would also rotate the other connections (what the targeted one left alone)", async () => {
        const sim = await deployedStack();
        const run = await sim.up(REVOCATION, stackProgram(REVOCATION), { config: stackConfig(CUTOFF) });
        assert.ok(run.ok, run.error?.message);
        assert.deepEqual(connectionsTouched(run), CONNECTIONS);
    });
});
