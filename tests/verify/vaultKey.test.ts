import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../cli/verify/cli";
import { ConcurrencyLimiter } from "../../components/graph";
import type { ExpectedConnection } from "../../components/vendorConnection/expected";
import { GraphStandIn, TestCertificate, testCertificate } from "../support/graphStandIn";
import { KeyVaultStandIn, StoredKey, rbacFault } from "../support/keyVaultStandIn";
import { StandInConnection, addConnection, expectedOf } from "../support/standInConnection";

// `npm run verify` for vault-key connections, end to end in process: the stand-in Graph holds the
// applications, the stand-in Key Vault (real HTTPS at a *.vault.azure.net name, challenge
// authentication, pages of two versions) holds each connection's key with its versions, enabled or
// not and tagged as a deploy leaves them. Verify lists the versions, never reads a key.

const DEPLOYER = "d0000000-0000-4000-8000-000000000001";
const GRAPH_SP = "50000000-0000-4000-8000-000000000001";
const USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214";
const NOW = new Date("2026-12-02T03:00:00Z");
const NAMES = ["archiver", "payroll"];
const EXPIRES = Date.parse("2026-12-31T00:00:00Z") / 1000;
const RETIRED_EXPIRES = Date.parse("2026-11-30T00:00:00Z") / 1000;

function connection(i: number, certificate: TestCertificate): StandInConnection {
    return {
        applicationObjectId: `3000000${i}-0000-4000-8000-000000000001`,
        servicePrincipalObjectId: `3000000${i}-0000-4000-8000-000000000002`,
        certificate,
        owner: DEPLOYER,
        consent: { resourceId: GRAPH_SP, appRoleId: USER_READ_ALL },
    };
}

/** A certificate's x5t#S256, as the deploy tags its key version with it. */
function x5tS256(certificate: TestCertificate): string {
    return createHash("sha256").update(Buffer.from(certificate.keyBase64, "base64")).digest("base64url");
}

describe("npm run verify, for vault-key connections, against the stand-in Graph and Key Vault", function () {
    let certificate: TestCertificate;
    let graph: GraphStandIn;
    let vault: KeyVaultStandIn;
    let graphAgent: Agent;
    let vaultAgent: Agent;
    let dir: string;
    let outputsFile: string;
    /** Per connection: its retired version (disabled) and its current one (enabled). */
    let keys: Record<string, { retired: StoredKey; current: StoredKey }>;
    let verify: Record<string, ExpectedConnection>;

    before(async () => {
        certificate = await testCertificate("verify-vault-key");
        dir = await mkdtemp(join(tmpdir(), "vendor-connections-verify-vault-key-"));
        outputsFile = join(dir, "outputs.json");
    });

    after(async () => {
        await rm(dir, { recursive: true, force: true });
    });

    beforeEach(async () => {
        graph = await GraphStandIn.start({ pageSize: 2 });
        vault = await KeyVaultStandIn.start();
        graphAgent = graph.agent();
        vaultAgent = vault.agent();
        keys = {};
        verify = {};
        for (const [i, name] of NAMES.entries()) {
            addConnection(graph, connection(i, certificate));
            const tags = (thumbprint: string, identity: string) => ({ "vendor-connection": name, "certificate-identity": identity, "x5t-S256": thumbprint });
            const retired = await vault.seedVersion(`${name}-key`, { enabled: false, tags: tags("R".repeat(43), "w0"), expires: RETIRED_EXPIRES });
            const current = await vault.seedVersion(`${name}-key`, { enabled: true, tags: tags(x5tS256(certificate), "w1"), expires: EXPIRES });
            keys[name] = { retired, current };
            verify[name] = expectedFor(i, current);
        }
        await writeOutputs();
    });

    afterEach(async () => {
        graphAgent.destroy();
        vaultAgent.destroy();
        await Promise.all([graph.close(), vault.close()]);
    });

    /** What the stack's `verify` output says of a vault-key connection whose current certificate's key is `current`. */
    function expectedFor(i: number, current: StoredKey): ExpectedConnection {
        return {
            ...expectedOf(connection(i, certificate), "unused", "2026-12-10T00:00:00Z", "2026-12-31T00:00:00Z"),
            secretName: null,
            keyName: current.name,
            keyVersions: [{ keyId: kidOf(current), thumbprintSha256: x5tS256(certificate) }],
        };
    }

    function kidOf(key: StoredKey): string {
        return `${vault.vaultUri("kv-vendors").replace(/\/$/, "")}/keys/${key.name}/${key.version}`;
    }

    async function writeOutputs(outputs: Record<string, unknown> = verify): Promise<void> {
        // As Pulumi writes it: every output of the stack, secrets masked.
        await writeFile(outputsFile, JSON.stringify({ vaultName: "kv-vendors", vaultUri: vault.vaultUri("kv-vendors"), inventory: "[secret]", verify: outputs }));
    }

    async function runVerify(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
        let stdout = "";
        let stderr = "";
        const code = await main(args, {
            stdout: (t) => (stdout += t),
            stderr: (t) => (stderr += t),
            graph: { endpoints: { graph: graph.origin }, credential: graph.credential(), agent: graphAgent, limiter: new ConcurrencyLimiter(8), retry: { maxRetries: 1 } },
            vault: { credential: vault.credential(), agent: vaultAgent },
            now: NOW,
        });
        return { code, stdout, stderr };
    }

    function driftOf(stdout: string, name: string): { kind: string; id: string; detail: string }[] {
        const report = JSON.parse(stdout) as { connections: { name: string; drift: { kind: string; id: string; detail: string }[] }[] };
        return report.connections.find((c) => c.name === name)!.drift;
    }

    it("exits 0 when exactly the current versions are enabled and tagged with their certificates, listing versions only", async () => {
        const { code, stdout, stderr } = await runVerify("--outputs", outputsFile);
        assert.equal(code, 0, stdout + stderr);
        assert.match(stdout, /^archiver: ok$/m);
        assert.match(stdout, /2 connections, 0 with drift, 0 not checked/);
        assert.deepEqual(
            vault.requests.map((r) => `${r.method} ${r.path} ${r.bearer}`).sort(),
            ["GET /keys/archiver-key/versions valid", "GET /keys/payroll-key/versions valid"],
            "one listing per key, no secrets listing, never a key itself",
        );
        assert.deepEqual([...new Set(vault.scopesAsked.flat())], ["https://vault.azure.net/.default"], "a token for Key Vault, from the vault's DNS suffix");
    });

    it("reports a retired version enabled again: its id, its x5t-S256 tag and its expiry, and that no deploy disables it", async () => {
        keys.payroll.retired.enabled = true;
        const { code, stdout } = await runVerify("--outputs", outputsFile, "--json");
        assert.equal(code, 2);
        assert.deepEqual(driftOf(stdout, "archiver"), []);
        const [drift, ...rest] = driftOf(stdout, "payroll");
        assert.deepEqual(rest, []);
        assert.deepEqual([drift.kind, drift.id], ["enabledKeyVersion", kidOf(keys.payroll.retired)]);
        assert.match(
            drift.detail,
            new RegExp(`^version ${keys.payroll.retired.version} \\(x5t-S256 R{43}, expires 2026-11-30T00:00:00Z\\) is enabled, but its certificate is not one the stack holds`),
        );
        assert.match(drift.detail, /No deploy disables a version the stack no longer holds: disable it now/);
        assert.deepEqual(vault.requestsTo("PATCH"), [], "verify changes nothing");
    });

    it("reports a current version disabled while the connection is not suspended", async () => {
        keys.archiver.current.enabled = false;
        const { code, stdout } = await runVerify("--outputs", outputsFile);
        assert.equal(code, 2);
        assert.match(stdout, new RegExp(`^archiver: 1 drift\\n {4}vault disabledKeyVersion ${kidOf(keys.archiver.current)}: .*the vendor cannot sign with it`, "m"));
    });

    it("reports a version enabled while the connection is suspended", async () => {
        const suspended = connection(0, certificate);
        graph.tenant.applications.get(suspended.applicationObjectId)!.keyCredentials = [];
        graph.tenant.servicePrincipals.get(suspended.servicePrincipalObjectId)!.accountEnabled = false;
        const expected = verify.archiver;
        await writeOutputs({
            ...verify,
            archiver: {
                ...expected,
                declared: { ...expected.declared, application: { ...expected.declared.application, keyCredentialThumbprints: [] } },
                suspended: true,
                nextRotation: null,
                activeThumbprint: null,
                activeNotAfter: null,
                keyVersions: [],
            },
        });
        const { code, stdout } = await runVerify("--outputs", outputsFile, "--json");
        assert.equal(code, 2);
        assert.deepEqual(
            driftOf(stdout, "archiver").map((d) => `${d.kind} ${d.id}`),
            [`enabledKeyVersion ${kidOf(keys.archiver.current)}`],
        );
        assert.match(driftOf(stdout, "archiver")[0].detail, /is enabled although the connection is suspended/);
    });

    it("follows every page of versions: an enabled version on the last of three pages is found", async () => {
        for (const identity of ["w2", "w3"]) {
            await vault.seedVersion("archiver-key", { enabled: false, tags: { "certificate-identity": identity, "x5t-S256": "S".repeat(43) }, expires: EXPIRES });
        }
        const stray = await vault.seedVersion("archiver-key", { enabled: true, tags: { "x5t-S256": "T".repeat(43) }, expires: EXPIRES });
        const { code, stdout } = await runVerify("--outputs", outputsFile, "--json");
        assert.equal(code, 2);
        assert.deepEqual(
            driftOf(stdout, "archiver").map((d) => `${d.kind} ${d.id}`),
            [`enabledKeyVersion ${kidOf(stray)}`],
        );
        assert.equal(vault.requestsTo("GET", /^\/keys\/archiver-key\/versions$/).length, 3, "five versions, two per page");
    });

    it("reports a key that is missing from the vault", async () => {
        vault.keys.delete("payroll-key");
        const { code, stdout } = await runVerify("--outputs", outputsFile);
        assert.equal(code, 2);
        assert.match(stdout, /^payroll: 1 drift\n {4}vault missingKey payroll-key: the vault has no key payroll-key/m);
    });

    it("when Key Vault refuses the listing, reports the key as not checked, naming the role; drift found elsewhere still counts", async () => {
        vault.fail({ ...rbacFault("Microsoft.KeyVault/vaults/keys/read"), path: /^\/keys\/archiver-key\/versions$/ });
        const refused = await runVerify("--outputs", outputsFile);
        assert.equal(refused.code, 1);
        assert.match(
            refused.stdout,
            /^archiver: could not check\n {4}could not check: the vault key could not be checked: .*refused to list the versions of key archiver-key \(403\).*Key Vault Reader/m,
        );
        assert.match(refused.stdout, /^payroll: ok$/m);

        // Graph refuses, the vault answers: the re-enabled version is still reported.
        keys.archiver.retired.enabled = true;
        graph.fail({ path: /^\/oauth2PermissionGrants/, status: 403, times: 1 });
        const { code, stdout } = await runVerify("--outputs", outputsFile, "--json");
        assert.equal(code, 2);
        const archiver = (JSON.parse(stdout) as { connections: { name: string; drift: { kind: string }[]; error?: string }[] }).connections.find((c) => c.name === "archiver")!;
        assert.deepEqual(
            archiver.drift.map((d) => d.kind),
            ["enabledKeyVersion"],
        );
        assert.match(archiver.error ?? "", /DelegatedPermissionGrant/);
    });

    it("verifies the outputs of a stack deployed before vault keys were verified (no keyName, no keyVersions) in Graph alone", async () => {
        await writeOutputs(Object.fromEntries(Object.entries(verify).map(([name, { keyName: _keyName, keyVersions: _keyVersions, ...older }]) => [name, older])));
        const { code, stdout, stderr } = await runVerify("--outputs", outputsFile);
        assert.equal(code, 0, stdout + stderr);
        assert.deepEqual(vault.requests, []);
    });
});
