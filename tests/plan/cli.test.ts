import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { type PlanResult, projectRoot, runPlan } from "../support/planProcess";

// `npm run plan` as a user runs it: a separate node process on the example stack (or a config file
// written here), checked on what it prints and its exit code.

const EXAMPLE = join(projectRoot, "Pulumi.dev.yaml");
const AT = "2026-12-01T09:00:00Z";

/** Runs the plan CLI exactly as `npm run plan -- <args>` does, in an environment of our choosing. */
const plan = runPlan;

/** The example stack with `edit` applied to its `config` map, in a temporary file. */
function exampleWith(dir: string, name: string, edit: (config: Record<string, any>) => void): string {
    const document = parseDocument(readFileSync(EXAMPLE, "utf8"));
    const config = document.toJS().config as Record<string, any>;
    edit(config);
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify({ config }));
    return file;
}

// What a private key, a PKCS#12 or key material in PEM would look like in the output.
const KEY_MATERIAL = [/PRIVATE KEY/, /BEGIN CERTIFICATE/, /pfx/i, /MII[A-Za-z0-9+/]{20}/];

function assertNoKeyMaterial(text: string): void {
    for (const pattern of KEY_MATERIAL) {
        assert.doesNotMatch(text, pattern);
    }
}

/** A stack trace line as node prints it. */
const STACK_FRAME = /^\s+at .+\(.+:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;

describe("npm run plan (the CLI, as separate processes)", function () {
    this.timeout(120_000);
    let dir: string;
    let json: PlanResult;
    let jsonAgain: PlanResult;
    let table: PlanResult;
    let tableElsewhere: PlanResult;

    before(async () => {
        dir = mkdtempSync(join(tmpdir(), "plan-cli-"));
        // Two cores: two processes at a time. The second pair runs in another time zone and locale.
        [json, table] = await Promise.all([plan(["--at", AT, "--json"]), plan(["--at", AT])]);
        [jsonAgain, tableElsewhere] = await Promise.all([
            plan(["--json", "--at", AT, "--config-file", EXAMPLE], { TZ: "Pacific/Kiritimati", LANG: "de_DE.UTF-8" }),
            plan(["--config-file", EXAMPLE, "--at", AT], { TZ: "America/St_Johns", LANG: "fr_FR.UTF-8" }),
        ]);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("prints exactly one JSON document with the documented shape, times in RFC 3339 and null where absent", () => {
        assert.equal(json.code, 0, json.stderr);
        assert.equal(json.stderr, "");
        const report = JSON.parse(json.stdout);
        assert.equal(report.at, AT);
        assert.deepEqual(
            report.connections.map((c: any) => c.name),
            ["mail-archiver", "backup", "security-scanner"],
        );
        const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
        for (const connection of report.connections) {
            for (const key of ["name", "displayName", "permissions", "suspended", "revokeIssuedBefore", "nextRotation", "certificates"]) {
                assert.ok(key in connection, `${connection.name} lacks ${key}`);
            }
            assert.equal(connection.suspended, false);
            assert.equal(connection.revokeIssuedBefore, null);
            assert.match(connection.nextRotation, rfc3339);
            for (const permission of connection.permissions) {
                assert.deepEqual(Object.keys(permission).slice(0, 3), ["api", "role", "broad"]);
            }
            assert.equal(connection.certificates.filter((c: any) => c.active).length, 1, `${connection.name}: one active certificate`);
            for (const certificate of connection.certificates) {
                assert.deepEqual(Object.keys(certificate).slice(0, 5), ["slot", "identity", "notBefore", "notAfter", "active"]);
                assert.match(certificate.notBefore, rfc3339);
                assert.match(certificate.notAfter, rfc3339);
            }
        }
        const archiver = report.connections[0];
        assert.deepEqual(archiver.permissions[0], { api: "Office365ExchangeOnline", role: "full_access_as_app", broad: true });
        // P30D / renewBefore P10D: 20-day windows; 2026-12-01 lies in the one that opened 2026-11-23,
        // inside the previous certificate's overlap (until 2026-12-03).
        assert.deepEqual(
            archiver.certificates.map((c: any) => [c.slot, c.notBefore, c.notAfter, c.active]),
            [
                ["a", "2026-11-03T00:00:00Z", "2026-12-03T00:00:00Z", false],
                ["b", "2026-11-23T00:00:00Z", "2026-12-23T00:00:00Z", true],
            ],
        );
        assert.equal(archiver.nextRotation, "2026-12-13T00:00:00Z");
    });

    it("prints the same bytes for the same config and --at, whatever the time zone, locale or option order", () => {
        assert.equal(jsonAgain.code, 0, jsonAgain.stderr);
        assert.equal(jsonAgain.stdout, json.stdout);
        assert.equal(tableElsewhere.code, 0, tableElsewhere.stderr);
        assert.equal(tableElsewhere.stdout, table.stdout);
    });

    it("prints a table per connection: permissions with broad ones marked, certificates with validity and state, next rotation", () => {
        assert.equal(table.code, 0, table.stderr);
        const section = (name: string) => table.stdout.split("\n\n").find((block) => block.startsWith(`${name}:`)) ?? assert.fail(`no section for ${name}`);
        const archiver = section("mail-archiver");
        assert.match(archiver, /^mail-archiver: Contoso Mail Archiver$/m);
        assert.match(archiver, /Office365ExchangeOnline full_access_as_app\s+\[BROAD/);
        assert.match(archiver, /^\s+a\s+2026-11-03T00:00:00Z\s+2026-12-03T00:00:00Z\s+previous \(overlap\)/m);
        assert.match(archiver, /^\s+b\s+2026-11-23T00:00:00Z\s+2026-12-23T00:00:00Z\s+active \(in vault\)/m);
        assert.match(archiver, /next rotation: 2026-12-13T00:00:00Z/);
        assert.match(section("backup"), /MicrosoftGraph User\.Read\.All\n/, "a least-privilege role carries no mark");
        assert.match(table.stdout, /Declares \d+ resources/);
    });

    it("never prints key material", () => {
        for (const output of [json, table, jsonAgain, tableElsewhere]) {
            assertNoKeyMaterial(output.stdout + output.stderr);
        }
    });

    it("shows a revocation and a suspension", async () => {
        const file = exampleWith(dir, "Pulumi.incident.yaml", (config) => {
            config["vendor-connections:connections"]["mail-archiver"].revokeIssuedBefore = "2026-12-01T08:00:00Z";
            config["vendor-connections:connections"].backup.suspended = true;
        });
        const [asJson, asTable] = await Promise.all([plan(["--config-file", file, "--at", AT, "--json"]), plan(["--config-file", file, "--at", AT])]);
        assert.equal(asJson.code, 0, asJson.stderr);
        const [archiver, backup, scanner] = JSON.parse(asJson.stdout).connections;
        assert.equal(archiver.revokeIssuedBefore, "2026-12-01T08:00:00Z");
        // No overlap after a revocation: one certificate, issued after the cutoff.
        assert.deepEqual(
            archiver.certificates.map((c: any) => [c.slot, c.notBefore, c.active]),
            [["b", "2026-12-01T08:00:00Z", true]],
        );
        assert.match(archiver.certificates[0].identity, /revoked:2026-12-01T08:00:00Z/);
        assert.equal(backup.suspended, true);
        assert.deepEqual(backup.certificates, []);
        assert.equal(backup.nextRotation, null);
        assert.equal(scanner.revokeIssuedBefore, null, "a connection's own cutoff touches no other connection");
        assert.equal(asTable.code, 0, asTable.stderr);
        assert.match(asTable.stdout, /2026-12-01T08:00:00Z/);
        assert.match(
            asTable.stdout.split("\n\n").find((b) => b.startsWith("backup:"))!,
            /suspended/i,
        );
    });

    it("applies a stack-wide cutoff to every connection", async () => {
        const file = exampleWith(dir, "Pulumi.tenant.yaml", (config) => {
            config["vendor-connections:revokeIssuedBefore"] = "2026-12-01T08:30:00Z";
        });
        const result = await plan(["--config-file", file, "--at", AT, "--json"]);
        assert.equal(result.code, 0, result.stderr);
        const connections = JSON.parse(result.stdout).connections;
        assert.deepEqual(
            connections.map((c: any) => c.name),
            ["mail-archiver", "backup", "security-scanner"],
        );
        for (const connection of connections) {
            assert.equal(connection.revokeIssuedBefore, "2026-12-01T08:30:00Z", connection.name);
            // `every` holds for an empty list: each connection must still have a certificate to check.
            assert.notDeepEqual(connection.certificates, [], `${connection.name} has no certificate after the cutoff`);
            assert.ok(
                connection.certificates.every((c: any) => c.notBefore >= "2026-12-01T08:30:00Z"),
                `${connection.name} keeps a certificate from before the cutoff`,
            );
        }
    });

    it("on invalid config exits 1 and prints every error with its config path, no stack trace and nothing on stdout", async () => {
        const file = exampleWith(dir, "Pulumi.broken.yaml", (config) => {
            const connections = config["vendor-connections:connections"];
            connections["mail-archiver"].permissions[0].roles = ["full_access_as_ap"];
            connections.backup.certificate = { lifetime: "P14D", renewBefore: "P10D" };
            connections["security-scanner"].readers = ["not-a-guid"];
            connections["security-scanner"].revokeIssuedBefore = "2027-01-01T00:00:00Z";
            config["vendor-connections:vault"].allowedIpRanges = ["10.0.0.0/33"];
            config["vendor-connections:revokeIssuedBefore"] = "yesterday";
        });
        const result = await plan(["--config-file", file, "--at", AT]);
        assert.equal(result.code, 1);
        assert.equal(result.stdout, "");
        for (const path of [
            "connections.mail-archiver.permissions[0].roles[0]",
            "connections.backup.certificate.renewBefore",
            "connections.security-scanner.readers[0]",
            "connections.security-scanner.revokeIssuedBefore",
            "vault.allowedIpRanges[0]",
            "revokeIssuedBefore",
        ]) {
            assert.ok(result.stderr.includes(path), `the error for ${path} is missing:\n${result.stderr}`);
        }
        assert.ok(result.stderr.includes(file), "the message names the config file");
        assert.doesNotMatch(result.stderr, STACK_FRAME);
    });

    it("rejects bad command lines and unreadable files with exit 1, a reason and no stack trace", async () => {
        const notYaml = join(dir, "Pulumi.garbled.yaml");
        writeFileSync(notYaml, "config: [unclosed\n");
        const encrypted = join(dir, "Pulumi.encrypted.yaml");
        writeFileSync(encrypted, "config:\n  vendor-connections:revokeIssuedBefore:\n    secure: AAABAJ+abc\n");
        const cases: [string[], RegExp][] = [
            [["--at", "next tuesday"], /--at: "next tuesday" is not an RFC 3339 instant/],
            [["--at", "2026-12-01"], /is not an RFC 3339 instant/],
            [["--colour"], /Unknown option '--colour'[\s\S]*usage: npm run plan/],
            [["--config-file", join(dir, "Pulumi.missing.yaml")], /Pulumi\.missing\.yaml: cannot read the stack configuration file \(ENOENT\)/],
            [["--config-file", notYaml], /Pulumi\.garbled\.yaml: not valid YAML/],
            [["--config-file", encrypted], /: vendor-connections:revokeIssuedBefore is encrypted \(secure:\), which the offline plan cannot decrypt/],
        ];
        for (let i = 0; i < cases.length; i += 2) {
            const results = await Promise.all(cases.slice(i, i + 2).map(([args]) => plan(args)));
            results.forEach((result, j) => {
                const [args, expected] = cases[i + j];
                assert.equal(result.code, 1, `${args.join(" ")}: exit code`);
                assert.match(result.stderr, expected);
                assert.doesNotMatch(result.stderr, STACK_FRAME);
                assert.equal(result.stdout, "");
            });
        }
    });
});
