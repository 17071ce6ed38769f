import * as assert from "node:assert/strict";
import { valueOf } from "../support/outputs";
import { settle } from "../support/settle";
import { isSecretValue, unwrapSecrets } from "../support/secrets";
import { issueLines } from "../support/validation";
import { GRAPH_USER_READ, NOW, T, connectionHarness, names, vault } from "./support";

const WEBHOOK = "https://hooks.acme.example/m365/rotated?code=s3cr3t-key";
const EVENTS = ["Microsoft.KeyVault.SecretNewVersionCreated", "Microsoft.KeyVault.SecretNearExpiry"];

describe("VendorConnection notify (rotation notices over Event Grid)", () => {
    const h = connectionHarness();

    it("subscribes the vendor's webhook to this connection's secret alone, on the vault's system topic", async () => {
        await h.declare("acme", { notify: { webhookUrl: WEBHOOK } });

        assert.equal(h.mocks.ofType(T.subscription).length, 1);
        assert.deepEqual(h.mocks.ofType(T.systemTopic), [], "an existing vault's topic is referenced, not declared");
        const subscription = h.mocks.one(T.subscription, "acme-notify").inputs;
        assert.ok(isSecretValue(subscription.destination) || isSecretValue(subscription.destination.endpointUrl), "the webhook URL is a secret");
        assert.deepEqual(unwrapSecrets(subscription), {
            resourceGroupName: "rg-vendors",
            systemTopicName: "kv-vendors-events",
            eventSubscriptionName: "acme-certificate-notify",
            destination: { endpointType: "WebHook", endpointUrl: WEBHOOK },
            filter: {
                includedEventTypes: EVENTS,
                // Exactly the secret's name: not a prefix another secret could share.
                advancedFilters: [{ operatorType: "StringIn", key: "subject", values: ["acme-certificate"] }],
                // azure-native's default, filled in by the SDK:
                isSubjectCaseSensitive: false,
            },
            eventDeliverySchema: "EventGridSchema",
        });
    });

    it("one subscription per connection, each filtered to its own secret (a custom secretName included)", async () => {
        await h.declare("acme", { notify: { webhookUrl: WEBHOOK } });
        await h.declare("acme-old", { notify: { webhookUrl: "https://hooks.other.example/rotated" }, secretName: "acme-certificate-old" });
        assert.deepEqual(
            h.mocks.ofType(T.subscription).map((s) => [s.name, s.inputs.eventSubscriptionName, (unwrapSecrets(s.inputs.filter) as any).advancedFilters[0].values]),
            [
                ["acme-notify", "acme-certificate-notify", ["acme-certificate"]],
                ["acme-old-notify", "acme-certificate-old-notify", ["acme-certificate-old"]],
            ],
        );
    });

    it("keeps a long secret's subscription name within Event Grid's 64 characters, still unique", () => {
        const { eventSubscriptionNameFor } = require("../../components/vendorConnection/notifyPlan") as typeof import("../../components/vendorConnection/notifyPlan");
        const long = "a".repeat(60);
        const name = eventSubscriptionNameFor(long);
        assert.equal(name.length, 64);
        assert.match(name, /^a{55}-[0-9a-f]{8}$/);
        assert.notEqual(eventSubscriptionNameFor(`${long}b`), name);
        assert.equal(eventSubscriptionNameFor("x"), "x-notify");
    });

    it("keeps the subscription while suspended: the vendor hears that its secret changed (and finds it disabled)", async () => {
        await h.declare("acme", { notify: { webhookUrl: WEBHOOK }, suspended: true });
        assert.equal(h.mocks.ofType(T.subscription).length, 1);
    });

    it("declares nothing for notices without notify", async () => {
        await h.declare("acme", {});
        assert.deepEqual(h.mocks.ofType(T.subscription), []);
    });

    it("shows the webhook without its query (it may hold a key) in the inventory", async () => {
        const connection = await h.declare("acme", { notify: { webhookUrl: WEBHOOK } });
        const inventory = await valueOf(h.components.inventoryOf(connection));
        assert.deepEqual(inventory.notify, { webhook: "https://hooks.acme.example/m365/rotated?<hidden>", events: EVENTS });
        assert.doesNotMatch(JSON.stringify(inventory), /s3cr3t/);
    });

    it("refuses a vault without a system topic, naming notify and both ways to give one", async () => {
        const { systemTopicName: _none, ...bare } = vault;
        const message = h.refusal("acme", { notify: { webhookUrl: WEBHOOK }, vault: bare });
        assert.deepEqual(message.split("\n"), [
            'invalid arguments for VendorConnection "acme":',
            "notify: the vault has no Event Grid system topic to subscribe to; create the VendorVault with eventNotifications: true, or give an existing vault's systemTopicName (Azure allows one system topic per vault).",
        ]);
        await settle();
        assert.deepEqual(names(h.mocks.resources), [`${T.connection} acme`]);
    });

    it("refuses a webhook that is not https, naming the connection, without echoing its query", () => {
        const message = h.refusal("acme", { notify: { webhookUrl: "http://hooks.acme.example/rotated?code=s3cr3t-key" } });
        assert.deepEqual(message.split("\n"), [
            'invalid arguments for VendorConnection "acme":',
            'notify.webhookUrl: "http://hooks.acme.example/rotated?<hidden>" is not an https URL; connection acme\'s rotation notices must not travel in clear text, and Event Grid delivers only to https webhooks. Use e.g. https://vendor.example/hooks/certificate-rotated.',
        ]);
        assert.deepEqual(
            issueLines(() =>
                h.components.planConnection("acme", { permissions: GRAPH_USER_READ, notify: { webhookUrl: "hooks.acme.example/rotated" } }, NOW, "connections.acme"),
            ).map((l) => l.split(": ")[0]),
            ["connections.acme.notify.webhookUrl"],
        );
    });
});
