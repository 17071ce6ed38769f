import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { ENCRYPTED_WEBHOOK_PLACEHOLDER, readStackConfigFile } from "../../cli/plan/configFile";
import { type PlanResult, projectRoot, runPlan } from "../support/planProcess";

// Encrypted values in the stack file the offline plan reads. `pulumi config set --path --secret
// 'vendor-connections:connections.<name>.notify.webhookUrl' <url>` nests `{ secure: <ciphertext> }`
// inside the connections map: a webhook may carry an access key, so that one setting may be
// encrypted and the plan shows it as such. Every other encrypted value is an error naming its path.

const AT = "2026-12-01T09:00:00Z";
const CONNECTIONS = "vendor-connections:connections";
/** What Pulumi writes for a secret: the ciphertext under `secure`. */
const secure = (ciphertext = "v1:mK3bQ8eT0aJ2wYc9+Z1fQw==:3tUv7oP4XyZ") => ({ secure: ciphertext });
const STACK_FRAME = /^\s+at .+\(.+:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;
const PLACEHOLDER_HOST = new URL(ENCRYPTED_WEBHOOK_PLACEHOLDER).hostname;
const OLD_SENTENCE = /none of them is secret/;

const example = (): Record<string, any> => parse(readFileSync(join(projectRoot, "Pulumi.dev.yaml"), "utf8")).config;

describe("npm run plan: encrypted values in the stack configuration", function () {
    this.timeout(120_000);
    let dir: string;

    /** Writes `config` as a stack file the way Pulumi does (YAML, secrets as `secure:` maps). */
    function stackFile(name: string, config: Record<string, unknown>): string {
        const file = join(dir, `Pulumi.${name}.yaml`);
        writeFileSync(file, stringify({ config }));
        return file;
    }

    /** The message readStackConfigFile refuses `config` with. */
    function refusal(config: Record<string, unknown>): string {
        const file = stackFile("refused", config);
        try {
            readStackConfigFile(file);
        } catch (err) {
            return (err as Error).message;
        }
        return assert.fail("the file was accepted");
    }

    before(() => {
        dir = mkdtempSync(join(tmpdir(), "plan-encrypted-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    describe("reading the file (configFile.ts)", () => {
        it("puts the placeholder in place of an encrypted connections.<name>.notify.webhookUrl and leaves everything else as written", () => {
            const config = example();
            const plain = readStackConfigFile(stackFile("plain", config)).config;
            config[CONNECTIONS]["security-scanner"].notify.webhookUrl = secure();
            const read = readStackConfigFile(stackFile("encrypted", config));

            assert.equal(read.stack, "encrypted");
            const expected = JSON.parse(plain[CONNECTIONS]);
            expected["security-scanner"].notify.webhookUrl = ENCRYPTED_WEBHOOK_PLACEHOLDER;
            assert.deepEqual(JSON.parse(read.config[CONNECTIONS]), expected);
            assert.deepEqual({ ...read.config, [CONNECTIONS]: "" }, { ...plain, [CONNECTIONS]: "" }, "other keys are untouched");
            assert.doesNotMatch(JSON.stringify(read.config), /secure|v1:/, "no ciphertext reaches the program");
            assert.match(new URL(ENCRYPTED_WEBHOOK_PLACEHOLDER).hostname, /\.invalid$/, "a reserved name no real webhook can have");
        });

        it("names a nested encrypted setting by its full --path, says the plan cannot decrypt it and which setting may be encrypted", () => {
            const config = example();
            config[CONNECTIONS].backup.displayName = secure();
            const lines = refusal(config).split("\n");
            assert.equal(lines.length, 1, lines.join("\n"));
            const [line] = lines;
            assert.ok(line.startsWith(join(dir, "Pulumi.refused.yaml") + ": "), "the message names the file");
            assert.ok(line.includes("vendor-connections:connections.backup.displayName is encrypted (secure:)"), line);
            assert.match(line, /which the offline plan cannot decrypt: only the Pulumi CLI has the stack's secrets provider/);
            assert.match(line, /Only vendor-connections:connections\.<name>\.notify\.webhookUrl may be encrypted/);
            assert.ok(line.includes("pulumi config set --path 'vendor-connections:connections.backup.displayName' <value>"), line);
            assert.doesNotMatch(line, OLD_SENTENCE);
        });

        it("names a top-level encrypted setting, and reports every encrypted value at once, lists and odd keys included", () => {
            const config = example();
            config["vendor-connections:revokeIssuedBefore"] = secure();
            config[CONNECTIONS]["mail-archiver"].readers[0] = secure();
            config[CONNECTIONS]["a.b"] = { notify: { webhookUrl: "https://hooks.example/x" }, certificate: { keySize: secure() } };
            const message = refusal(config);
            const paths = message.split("\n").map((line) => /: (\S+) is encrypted \(secure:\)/.exec(line)?.[1]);
            // In file order: the cutoff was added after the connections.
            assert.deepEqual(paths, [
                "vendor-connections:connections.mail-archiver.readers[0]",
                'vendor-connections:connections["a.b"].certificate.keySize',
                "vendor-connections:revokeIssuedBefore",
            ]);
            assert.doesNotMatch(message, OLD_SENTENCE);
        });

        it("accepts an encrypted webhookUrl only at connections.<name>.notify.webhookUrl", () => {
            const misplaced: [string, (config: Record<string, any>) => void][] = [
                ["vendor-connections:connections.security-scanner.notify", (c) => (c[CONNECTIONS]["security-scanner"].notify = secure())],
                ["vendor-connections:connections.security-scanner.webhookUrl", (c) => (c[CONNECTIONS]["security-scanner"].webhookUrl = secure())],
                ["vendor-connections:connections.security-scanner.notify.webhookUrl.url", (c) => (c[CONNECTIONS]["security-scanner"].notify.webhookUrl = { url: secure() })],
                ["vendor-connections:vault.notify.webhookUrl", (c) => (c["vendor-connections:vault"].notify = { webhookUrl: secure() })],
                ["other-project:connections.acme.notify.webhookUrl", (c) => (c["other-project:connections"] = { acme: { notify: { webhookUrl: secure() } } })],
                ["vendor-connections:connections", (c) => (c[CONNECTIONS] = secure())],
            ];
            for (const [path, edit] of misplaced) {
                const config = example();
                edit(config);
                const message = refusal(config);
                assert.ok(message.includes(`: ${path} is encrypted (secure:), which the offline plan cannot decrypt`), `${path}:\n${message}`);
            }
        });

        it("does not advise keeping another package's encrypted setting in plain text", () => {
            const config = example();
            config["azure-native:clientSecret"] = secure();
            const message = refusal(config);
            assert.match(message, /azure-native:clientSecret is encrypted \(secure:\), which the offline plan cannot decrypt/);
            assert.match(message, /accepts an encrypted value only at vendor-connections:connections\.<name>\.notify\.webhookUrl/);
            assert.doesNotMatch(message, /plain text|pulumi config set/);
        });
    });

    describe("the plan (as a separate process)", () => {
        let encryptedJson: PlanResult;
        let encryptedTable: PlanResult;
        let plainJson: PlanResult;

        before(async () => {
            const config = example();
            config[CONNECTIONS]["security-scanner"].notify.webhookUrl = secure();
            const file = stackFile("secretwebhook", config);
            // Two cores: two processes at a time.
            [encryptedJson, encryptedTable] = await Promise.all([runPlan(["--config-file", file, "--at", AT, "--json"]), runPlan(["--config-file", file, "--at", AT])]);
            plainJson = await runPlan(["--at", AT, "--json"]);
        });

        it("plans a stack whose webhook is encrypted, and shows it as encrypted in the JSON (webhook null, webhookEncrypted true)", () => {
            assert.equal(encryptedJson.code, 0, encryptedJson.stderr);
            assert.equal(encryptedJson.stderr, "");
            const report = JSON.parse(encryptedJson.stdout);
            const scanner = report.connections.find((c: any) => c.name === "security-scanner");
            assert.deepEqual(scanner.notify, {
                webhook: null,
                webhookEncrypted: true,
                events: ["Microsoft.KeyVault.SecretNewVersionCreated", "Microsoft.KeyVault.SecretNearExpiry"],
            });
            // Everything else is what the plain example plans.
            assert.equal(plainJson.code, 0, plainJson.stderr);
            const plain = JSON.parse(plainJson.stdout);
            plain.connections.find((c: any) => c.name === "security-scanner").notify = scanner.notify;
            assert.deepEqual(report, plain);
        });

        it("shows the webhook as encrypted in the table, and still declares its event subscription", () => {
            assert.equal(encryptedTable.code, 0, encryptedTable.stderr);
            const scanner = encryptedTable.stdout.split("\n\n").find((block) => block.startsWith("security-scanner:")) ?? assert.fail(encryptedTable.stdout);
            assert.match(scanner, /^ {2}rotation notices: SecretNewVersionCreated, SecretNearExpiry to \(encrypted in the stack configuration\)$/m);
            assert.match(encryptedTable.stdout, /^ {2}1\s+azure-native:eventgrid:SystemTopicEventSubscription$/m);
        });

        it("never prints the placeholder or the ciphertext", () => {
            for (const output of [encryptedJson, encryptedTable]) {
                const text = output.stdout + output.stderr;
                assert.ok(!text.includes(PLACEHOLDER_HOST), "the placeholder URL is printed");
                assert.doesNotMatch(text, /secure|v1:/);
            }
        });

        it("exits 1 on any other encrypted setting, naming its full path, with no stack trace and nothing on stdout", async () => {
            const config = example();
            config[CONNECTIONS]["security-scanner"].notify.webhookUrl = secure();
            config[CONNECTIONS].backup.certificate.lifetime = secure();
            config["vendor-connections:revokeIssuedBefore"] = secure();
            const result = await runPlan(["--config-file", stackFile("secretlifetime", config), "--at", AT]);
            assert.equal(result.code, 1);
            assert.equal(result.stdout, "");
            assert.match(result.stderr, /: vendor-connections:connections\.backup\.certificate\.lifetime is encrypted \(secure:\)/);
            assert.match(result.stderr, /: vendor-connections:revokeIssuedBefore is encrypted \(secure:\)/);
            assert.doesNotMatch(result.stderr, /notify\.webhookUrl is encrypted/, "the encrypted webhook is accepted");
            assert.doesNotMatch(result.stderr, OLD_SENTENCE);
            assert.doesNotMatch(result.stderr, STACK_FRAME);
        });
    });
});
