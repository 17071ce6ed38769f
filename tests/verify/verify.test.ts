import * as assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../cli/verify/cli";
import { ConcurrencyLimiter } from "../../components/graph";
import { GraphStandIn, TestCertificate, testCertificate } from "../support/graphStandIn";
import { SECRET_VALUE, StandInConnection, addConnection, expectedOf } from "../support/standInConnection";
import type { ExpectedConnection } from "../../components/vendorConnection/expected";

// `npm run verify` end to end, in process: a stack outputs file as `pulumi stack output --json
// --show-secrets=false` writes it, the real Graph client over HTTPS against the stand-in Graph, the
// report on stdout, progress on stderr, and the exit code. Read-only: no request but GETs.

const DEPLOYER = "d0000000-0000-4000-8000-000000000001";
const ATTACKER = "a0000000-0000-4000-8000-000000000009";
const GRAPH_SP = "50000000-0000-4000-8000-000000000001";
const USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214";
const NOW = new Date("2026-12-02T03:00:00Z");
const NAMES = ["backup", "scanner", "archiver"];

const ids = (i: number) => ({ app: `3000000${i}-0000-4000-8000-000000000001`, sp: `3000000${i}-0000-4000-8000-000000000002` });

function connection(i: number, certificate: TestCertificate): StandInConnection {
    const { app, sp } = ids(i);
    return { applicationObjectId: app, servicePrincipalObjectId: sp, certificate, owner: DEPLOYER, consent: { resourceId: GRAPH_SP, appRoleId: USER_READ_ALL } };
}

describe("npm run verify, against the stand-in Graph", function () {
    let certificate: TestCertificate;
    let standIn: GraphStandIn;
    let agent: Agent;
    let dir: string;
    let outputsFile: string;
    let verify: Record<string, ExpectedConnection>;

    before(async () => {
        certificate = await testCertificate("verify");
        dir = await mkdtemp(join(tmpdir(), "vendor-connections-verify-"));
        outputsFile = join(dir, "outputs.json");
        verify = Object.fromEntries(NAMES.map((name, i) => [name, expectedOf(connection(i, certificate), `${name}-certificate`, "2026-12-10T00:00:00Z", "2026-12-31T00:00:00Z")]));
    });

    after(async () => {
        await rm(dir, { recursive: true, force: true });
    });

    beforeEach(async () => {
        standIn = await GraphStandIn.start({ pageSize: 2 });
        agent = standIn.agent();
        NAMES.forEach((name, i) => addConnection(standIn, connection(i, certificate), `${name}-certificate`));
        // As Pulumi writes it: every output of the stack, secrets masked.
        await writeFile(outputsFile, JSON.stringify({ vaultName: "kv-vendors", vaultUri: `${standIn.origin}/`, inventory: "[secret]", verify }));
    });

    afterEach(async () => {
        agent.destroy();
        await standIn.close();
    });

    async function runVerify(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
        let stdout = "";
        let stderr = "";
        const graph = { endpoints: { graph: standIn.origin }, credential: standIn.credential(), agent, limiter: new ConcurrencyLimiter(8), retry: { maxRetries: 1 } };
        const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), graph, now: NOW });
        return { code, stdout, stderr };
    }

    it("exits 0 when every connection is as declared, with progress on stderr and nothing written to Graph", async () => {
        const { code, stdout, stderr } = await runVerify("--outputs", outputsFile);
        assert.equal(code, 0, stdout + stderr);
        assert.match(stdout, /^backup: ok$/m);
        assert.match(stdout, /3 connections, 0 with drift, 0 not checked/);
        assert.equal(stderr.split("\n").filter((l) => /^verify: \d\/3 /.test(l)).length, 3);
        assert.deepEqual(
            standIn.requests.filter((r) => r.method !== "GET"),
            [],
        );
    });

    it("exits 2 on drift, and --json gives each drift's object, kind, id, display name and detail", async () => {
        const scanner = ids(1);
        standIn.tenant.applications.get(scanner.app)!.owners.push({ id: ATTACKER, type: "user" });
        standIn.tenant.servicePrincipals.get(scanner.sp)!.accountEnabled = false;
        standIn.tenant.applications.get(scanner.app)!.keyCredentials = [];
        const { code, stdout } = await runVerify("--outputs", outputsFile, "--json");
        assert.equal(code, 2);
        const report = JSON.parse(stdout);
        assert.equal(report.checkedAt, "2026-12-02T03:00:00Z");
        assert.deepEqual(
            report.connections.map((c: { name: string; ok: boolean }) => [c.name, c.ok]),
            [
                ["backup", true],
                ["scanner", false],
                ["archiver", true],
            ],
        );
        const drift = report.connections[1].drift as { object: string; kind: string; id: string; displayName: string | null; detail: string }[];
        assert.deepEqual(
            drift.map(({ object, kind, id, displayName }) => ({ object, kind, id, displayName })),
            [
                { object: "application", kind: "owner", id: ATTACKER, displayName: null },
                { object: "application", kind: "missingKeyCredential", id: certificate.thumbprint, displayName: null },
                { object: "servicePrincipal", kind: "accountEnabled", id: scanner.sp, displayName: null },
            ],
        );
        assert.ok(drift.every((d) => d.detail.length > 0));
        assert.deepEqual(
            standIn.requests.filter((r) => r.method !== "GET"),
            [],
        );
    });

    it("reports deploys that stopped: nextRotation past and the active certificate inside its renew-before window", async () => {
        const later = new Date("2026-12-25T00:00:00Z");
        let stdout = "";
        const graph = { endpoints: { graph: standIn.origin }, credential: standIn.credential(), agent, limiter: new ConcurrencyLimiter(8) };
        const code = await main(["--outputs", outputsFile], { stdout: (t) => (stdout += t), stderr: () => undefined, graph, now: later });
        assert.equal(code, 2);
        assert.match(stdout, /application rotationOverdue .*nextRotation 2026-12-10T00:00:00Z has passed/);
        assert.match(stdout, /vault renewalDue backup-certificate: .*within its renew-before window/);
    });

    it("exits 1 when a connection cannot be checked (and none drifted), naming the missing permission", async () => {
        standIn.fail({ path: /^\/oauth2PermissionGrants/, status: 403, times: 1 });
        const { code, stdout } = await runVerify("--outputs", outputsFile);
        assert.equal(code, 1);
        assert.match(stdout, /could not check: .*DelegatedPermissionGrant\.ReadWrite\.All/);
    });

    it("reads what the vault publishes from the secrets' tags, never a value: a secret tagged with another certificate is drift", async () => {
        standIn.vaultSecrets.get("archiver-certificate")!.tags.thumbprintSha1 = "0".repeat(40);
        const { code, stdout, stderr } = await runVerify("--outputs", outputsFile);
        assert.equal(code, 2);
        assert.match(stdout, /^archiver: 1 drift\n {4}vault activeThumbprint archiver-certificate: the secret is tagged with certificate 0{40}, not the active /m);
        assert.deepEqual(
            standIn.requests.filter((r) => r.path.startsWith("/secrets")).map((r) => `${r.method} ${r.path}`),
            ["GET /secrets", "GET /secrets"],
            "only the listing (two pages of two), never a secret",
        );
        assert.ok(!(stdout + stderr).includes(SECRET_VALUE));
    });

    it("when the vault refuses, reports each connection with a secret as not checked, naming the role", async () => {
        standIn.fail({ path: /^\/secrets/, status: 403, times: 1 });
        const { code, stdout } = await runVerify("--outputs", outputsFile);
        assert.equal(code, 1);
        assert.match(stdout, /^backup: could not check\n {4}could not check: the vault secret could not be checked: .*Key Vault Reader/m);
    });

    it("exits 1 naming what is wrong with the arguments or the outputs file", async () => {
        const missing = await runVerify();
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /--outputs <file> is required/);
        const noVerify = join(dir, "old.json");
        await writeFile(noVerify, JSON.stringify({ vaultName: "kv" }));
        const old = await runVerify("--outputs", noVerify);
        assert.equal(old.code, 1);
        assert.match(old.stderr, /has no `verify` output/);
        assert.deepEqual(standIn.requests, []);
    });
});
