import * as assert from "node:assert/strict";
import { settle } from "../support/settle";
import { valueOf } from "../support/outputs";
import { FAKE_SUBSCRIPTION_ID } from "../support/fakes";
import { connectionHarness } from "../vendorConnection/support";

describe("VendorVault eventNotifications (the vault's one Event Grid system topic)", () => {
    const h = connectionHarness();
    const { mocks } = h;

    it("declares no topic unless asked", async () => {
        const vault = new h.components.VendorVault("vendors", { resourceGroupName: "rg-vendors", vaultName: "kv-vendors" });
        await settle();
        assert.deepEqual(mocks.ofType("azure-native:eventgrid:SystemTopic"), []);
        assert.equal(vault.systemTopicName, undefined);
    });

    it("declares one system topic on the vault, in its resource group and region, and every notifying connection subscribes to it", async () => {
        const vault = new h.components.VendorVault("vendors", {
            resourceGroupName: "rg-vendors",
            location: "westeurope",
            vaultName: "kv-vendors",
            eventNotifications: true,
            tags: { owner: "secops" },
        });
        for (const name of ["acme", "globex"]) {
            new h.components.VendorConnection(name, {
                permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }],
                vault,
                notify: { webhookUrl: `https://hooks.${name}.example/rotated` },
                now: "2026-12-05T09:00:00Z",
            });
        }
        await settle();

        const topics = mocks.ofType("azure-native:eventgrid:SystemTopic");
        assert.deepEqual(
            topics.map((t) => t.name),
            ["vendors-events"],
        );
        assert.deepEqual(topics[0].inputs, {
            resourceGroupName: "rg-vendors",
            source: `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-vendors/providers/Microsoft.KeyVault/vaults/kv-vendors`,
            topicType: "Microsoft.KeyVault.vaults",
            location: "westeurope",
            tags: { owner: "secops" },
        });
        assert.equal(await valueOf(vault.systemTopicName!), "vendors-events");
        assert.deepEqual(
            mocks.ofType("azure-native:eventgrid:SystemTopicEventSubscription").map((s) => [s.name, s.inputs.systemTopicName, s.inputs.resourceGroupName]),
            [
                ["acme-notify", "vendors-events", "rg-vendors"],
                ["globex-notify", "vendors-events", "rg-vendors"],
            ],
        );
    });
});
