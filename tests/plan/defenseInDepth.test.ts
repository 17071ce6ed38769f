import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { type PlanResult, projectRoot, runPlan } from "../support/planProcess";

// `npm run plan` on the example stack's defense-in-depth settings
// (docs/security.md#defense-in-depth): the security scanner pinned to its ranges in report-only
// mode and notified by webhook, and backup switched to federation and then revoked. The JSON keeps
// the keys it printed before these settings, in their order, so scripts that read them still do;
// the new keys come after them.

const AT = "2026-12-01T09:00:00Z";

function plan(args: string[]): Promise<PlanResult> {
    return runPlan(["--at", AT, ...args]);
}

describe("npm run plan: defense in depth", function () {
    this.timeout(120_000);
    let dir: string;
    let example: { json: any; table: string };
    let federated: { json: any; table: string };

    before(async () => {
        dir = mkdtempSync(join(tmpdir(), "plan-defense-"));
        const config = parse(readFileSync(join(projectRoot, "Pulumi.dev.yaml"), "utf8")).config;
        const backup = config["vendor-connections:connections"].backup;
        delete backup.certificate;
        delete backup.readers;
        delete backup.readerIpRanges;
        backup.credential = { type: "federated", issuer: "https://login.fabrikam.example/tenants/contoso", subject: "backup-agent:contoso", trustedFrom: "2026-11-02T09:00:00Z" };
        backup.revokeIssuedBefore = "2026-12-01T08:00:00Z";
        const file = join(dir, "Pulumi.federated.yaml");
        writeFileSync(file, JSON.stringify({ config }));

        const runs = await Promise.all([plan(["--json"]), plan([]), plan(["--config-file", file, "--json"]), plan(["--config-file", file])]);
        for (const run of runs) {
            assert.equal(run.code, 0, run.stderr);
        }
        example = { json: JSON.parse(runs[0].stdout), table: runs[1].stdout };
        federated = { json: JSON.parse(runs[2].stdout), table: runs[3].stdout };
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("adds credential, allowedIpRanges, notify and sweep after the keys it printed before, which keep their order", () => {
        for (const connection of example.json.connections) {
            assert.deepEqual(Object.keys(connection), [
                "name",
                "displayName",
                "permissions",
                "suspended",
                "revokeIssuedBefore",
                "nextRotation",
                "certificates",
                "credential",
                "allowedIpRanges",
                "notify",
                "sweep",
            ]);
            assert.equal(connection.sweep, "enforce");
        }
        assert.match(example.table, /^ {2}sweep: enforce \(each deploy removes/m);
        const [archiver, , scanner] = example.json.connections;
        assert.deepEqual([archiver.credential, archiver.allowedIpRanges, archiver.notify], [{ type: "certificate" }, { ranges: ["192.0.2.0/27"], state: "enabled" }, null]);
        assert.deepEqual(scanner.allowedIpRanges, { ranges: ["198.51.100.0/26", "2001:db8:4e57::/48"], state: "reportOnly" });
        assert.deepEqual(scanner.notify, {
            webhook: "https://hooks.northwind.example/m365/certificate-rotated",
            webhookEncrypted: false,
            events: ["Microsoft.KeyVault.SecretNewVersionCreated", "Microsoft.KeyVault.SecretNearExpiry"],
        });
    });

    it("shows the scanner's pinning and notices in the table, and declares their resources", () => {
        const scanner = example.table.split("\n\n").find((block) => block.startsWith("security-scanner:"))!;
        assert.match(scanner, /sign-in only from: 198\.51\.100\.0\/26, 2001:db8:4e57::\/48 {2}\[Conditional Access, REPORT-ONLY/);
        assert.match(scanner, /rotation notices: SecretNewVersionCreated, SecretNearExpiry to https:\/\/hooks\.northwind\.example\/m365\/certificate-rotated/);
        // The archiver and the scanner are pinned to their networks (backup only reads from its own); the scanner alone is notified.
        for (const [count, type] of [
            [2, "azuread:index/namedLocation:NamedLocation"],
            [2, "azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy"],
            [1, "azure-native:eventgrid:SystemTopic"],
            [1, "azure-native:eventgrid:SystemTopicEventSubscription"],
        ] as const) {
            assert.match(example.table, new RegExp(`^  ${count}\\s+${type}$`, "m"));
        }
    });

    it("shows the vault firewall's effective rules: its own ranges and each reading vendor's IPv4 ranges, with the settings behind them", () => {
        assert.deepEqual(example.json.vaultFirewall, {
            ipRules: [
                { range: "203.0.113.0/24", from: ["vault.allowedIpRanges"] },
                { range: "192.0.2.0/27", from: ["connections.mail-archiver.allowedIpRanges"] },
                { range: "192.0.2.128/27", from: ["connections.backup.readerIpRanges"] },
                { range: "198.51.100.0/26", from: ["connections.security-scanner.allowedIpRanges"] },
            ],
            notAdmitted: [
                {
                    range: "2001:db8:4e57::/48",
                    from: "connections.security-scanner.allowedIpRanges",
                    reason: "Key Vault's firewall admits IPv4 only; this range still limits where the vendor may sign in from",
                },
            ],
        });
        assert.match(example.table, /^vault firewall: denies every network except\n {2}range {12}admitted for\n {2}203\.0\.113\.0\/24 {3}vault\.allowedIpRanges\n/m);
        assert.match(example.table, /^ {2}not admitted: 2001:db8:4e57::\/48 \(connections\.security-scanner\.allowedIpRanges\): Key Vault's firewall admits IPv4 only/m);
        // Federated, backup keeps nothing in the vault: its networks are not admitted.
        assert.deepEqual(
            federated.json.vaultFirewall.ipRules.map((r: { range: string }) => r.range),
            ["203.0.113.0/24", "192.0.2.0/27", "198.51.100.0/26"],
        );
    });

    it("shows a revoked federated connection: no certificate, the trust, and how to restore it", () => {
        const backup = federated.json.connections[1];
        assert.deepEqual(backup.credential, {
            type: "federated",
            issuer: "https://login.fabrikam.example/tenants/contoso",
            subject: "backup-agent:contoso",
            audiences: ["api://AzureADTokenExchange"],
            trustedFrom: "2026-11-02T09:00:00Z",
            state: "revoked",
        });
        assert.deepEqual(backup.certificates, []);
        assert.equal(backup.nextRotation, null);
        assert.equal(backup.revokeIssuedBefore, "2026-12-01T08:00:00Z");
        const block = federated.table.split("\n\n").find((b) => b.startsWith("backup:"))!;
        assert.match(block, /credential: federated \(no certificate, no vault secret\) {2}\[REVOKED: removed; set credential\.trustedFrom at or after the cutoff/);
        assert.match(block, /revocation: a federated credential trusted from before 2026-12-01T08:00:00Z is removed/);
        assert.doesNotMatch(block, /certificates:|next rotation/);
        assert.doesNotMatch(federated.table, /ApplicationFederatedIdentityCredential/, "a revoked credential is not declared");
    });
});
