import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import type { ConnectionInventory } from "../../components/vendorConnection/inventory";
import { parseStackOutputs } from "../../cli/verify/stackOutputs";
import { RecordingMocks } from "../support/mocks";
import { valueOf } from "../support/outputs";
import { isSecretValue, plainMatches, unwrapSecrets } from "../support/secrets";
import { settle } from "../support/settle";

// A deploy of the example program (index.ts) when the stack file holds a webhook set with
// `pulumi config set --path --secret 'vendor-connections:connections.<name>.notify.webhookUrl'`.
// Pulumi then decrypts it into the connections map it hands the program (PULUMI_CONFIG, the map
// as JSON) and lists the whole key `vendor-connections:connections` as secret
// (PULUMI_CONFIG_SECRET_KEYS). readStackConfig reads it through pulumi.runtime.allConfig, which
// logs nothing for secret keys; the webhook must still reach only secret resource inputs.

const CONNECTIONS = "vendor-connections:connections";
const ACCESS_KEY = "s3cr3t-Azure-Functions-key";
const WEBHOOK = `https://hooks.northwind.example/m365/certificate-rotated?code=${ACCESS_KEY}`;
const root = resolve(__dirname, "..", "..");

describe("a stack whose webhookUrl is a Pulumi secret (the example program under mocks)", function () {
    this.timeout(120_000);
    const mocks = new RecordingMocks({ dynamic: "none" });
    const logged: string[] = [];
    let inventory: Record<string, ConnectionInventory>;
    let verifyOutput: unknown;

    before(async () => {
        await pulumi.runtime.setMocks(mocks, "vendor-connections", "secretwebhook");
        const config = parse(readFileSync(resolve(root, "Pulumi.dev.yaml"), "utf8")).config as Record<string, any>;
        config[CONNECTIONS]["security-scanner"].notify.webhookUrl = WEBHOOK;
        // What the language host sets: strings as-is, the rest as JSON; the key with a secret inside is secret.
        const values = Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
        pulumi.runtime.setAllConfig(values, [CONNECTIONS]);

        // Without an engine (as under mocks) Pulumi's log.warn and log.error write to the console.
        const record =
            (level: string) =>
            (...args: unknown[]) =>
                void logged.push(`${level}: ${args.join(" ")}`);
        const saved = { warn: console.warn, error: console.error, logWarn: pulumi.log.warn };
        console.warn = record("console.warn");
        console.error = record("console.error");
        (pulumi.log as { warn: unknown }).warn = async (message: string) => void record("pulumi.log.warn")(message);
        try {
            const stack: { inventory: pulumi.Output<Record<string, ConnectionInventory>>; verify: pulumi.Output<unknown> } = await import(resolve(root, "index.ts"));
            inventory = await valueOf(stack.inventory);
            verifyOutput = await valueOf(stack.verify);
            await settle();
        } finally {
            console.warn = saved.warn;
            console.error = saved.error;
            (pulumi.log as { warn: unknown }).warn = saved.logWarn;
        }
    });
    after(() => pulumi.runtime.setAllConfig({}));

    it("is set up as Pulumi sets it up: the connections key is a secret key", () => {
        const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };
        assert.equal(isConfigSecret(CONNECTIONS), true);
        assert.equal(isConfigSecret("vendor-connections:vault"), false);
    });

    it("evaluates the program with no warning or error logged", () => {
        assert.deepEqual(logged, []);
        assert.deepEqual(Object.keys(inventory), ["mail-archiver", "backup", "security-scanner"]);
    });

    it("exports what npm run verify reads, per connection, without the webhook", () => {
        // No certificate is issued under these mocks (dynamic: "none"), so thumbprints are missing.
        const issued = JSON.stringify({ verify: verifyOutput }).replace(/"keyCredentialThumbprints":\[(null,?)*\]/g, '"keyCredentialThumbprints":[]');
        const { targets } = parseStackOutputs(issued, "outputs.json");
        assert.deepEqual(
            targets.map((t) => [t.name, t.expected.sweep]),
            [
                ["mail-archiver", "enforce"],
                ["backup", "enforce"],
                ["security-scanner", "enforce"],
            ],
        );
        assert.ok(!JSON.stringify(verifyOutput).includes(ACCESS_KEY), "the webhook's access key is in the verify output");
    });

    it("gives the webhook, access key included, to the event subscription as a secret input", () => {
        const [subscription] = mocks.ofType("azure-native:eventgrid:SystemTopicEventSubscription");
        assert.equal(mocks.ofType("azure-native:eventgrid:SystemTopicEventSubscription").length, 1);
        const destination = subscription.inputs.destination as Record<string, unknown>;
        assert.ok(isSecretValue(destination) || isSecretValue(destination.endpointUrl), "the endpoint URL is a secret input");
        assert.deepEqual(unwrapSecrets(destination), { endpointType: "WebHook", endpointUrl: WEBHOOK });
    });

    it("puts the access key in no plain resource input and not in the inventory output", () => {
        assert.ok(mocks.resources.length > 30, mocks.describe());
        for (const resource of mocks.resources) {
            assert.deepEqual(
                plainMatches(resource.inputs, (text) => text.includes(ACCESS_KEY)),
                [],
                `${resource.type} ${resource.name}`,
            );
        }
        assert.ok(!JSON.stringify(inventory).includes(ACCESS_KEY));
        assert.equal(inventory["security-scanner"].notify?.webhook, "https://hooks.northwind.example/m365/certificate-rotated?<hidden>");
    });
});
