import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { projectRoot, runPlan } from "../support/planProcess";

// `npm run plan` with a vault-key connection: the example stack's backup connection switched to
// an HSM-protected vault key in a premium, firewalled vault.

const AT = "2026-12-01T09:00:00Z";
const READER = "2c9e8d7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f";

describe("npm run plan: a vault-key connection", function () {
    this.timeout(120_000);
    let dir: string;
    let json: any;
    let table: string;

    before(async () => {
        dir = mkdtempSync(join(tmpdir(), "plan-vault-key-"));
        const config = parse(readFileSync(join(projectRoot, "Pulumi.dev.yaml"), "utf8")).config;
        config["vendor-connections:vault"].sku = "premium";
        config["vendor-connections:connections"].backup.credential = { type: "vaultKey", hardwareProtected: true };
        const file = join(dir, "Pulumi.vaultkey.yaml");
        writeFileSync(file, JSON.stringify({ config }));
        const runs = await Promise.all([runPlan(["--at", AT, "--config-file", file, "--json"]), runPlan(["--at", AT, "--config-file", file])]);
        for (const run of runs) {
            assert.equal(run.code, 0, run.stderr);
        }
        json = JSON.parse(runs[0].stdout);
        table = runs[1].stdout;
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("shows the mode, the key, its protection and the signers with their narrowed role", () => {
        const backup = json.connections.find((c: { name: string }) => c.name === "backup");
        assert.deepEqual(backup.credential, { type: "vaultKey", keyName: "backup-key", hardwareProtected: true, signers: [READER] });
        // P14D certificates: on 2026-12-01 the two slots overlap, both versions enabled.
        assert.deepEqual(
            backup.certificates.map((c: { active: boolean }) => c.active),
            [false, true],
        );
        const section = table.split("\n\n").find((block) => block.startsWith("backup:"))!;
        assert.match(section, /\n {2}credential: vault key \(private key never leaves Key Vault, not exportable; no vault secret\)\n/);
        assert.match(section, /\n {4}key backup-key: one new RSA-HSM \(HSM-protected\) version per certificate below, disabled when its certificate leaves\n/);
        assert.match(section, new RegExp(`\\n {4}signers: ${READER} with the vault's key-signer role \\(keys/read, keys/sign/action\\) on key backup-key only\\n`));
        assert.match(section, /active \(newest enabled key version\)/);
    });

    it("asks the firewall to admit the deploy runner too, and declares the key's resources and the vault's role", () => {
        assert.match(table, /ALSO ADMIT the deploy runner's egress \(in vault\.allowedIpRanges\): vault-key connections make, enable and disable their keys/);
        const declared = table.slice(table.indexOf("Declares"));
        for (const [count, type] of [
            [2, "pulumi-nodejs:dynamic/vendor-connections:VaultKeyCertificate"],
            [2, "pulumi-nodejs:dynamic/vendor-connections:VaultKeyActivation"],
            [1, "azure-native:authorization:RoleDefinition"],
        ]) {
            assert.match(declared, new RegExp(`\\n +${count} +${type}\\n`), `${count} ${type}`);
        }
    });

    it("never prints key material", () => {
        assert.doesNotMatch(JSON.stringify(json) + table, /PRIVATE KEY|MII[A-Za-z0-9+/]{40}/);
    });
});
