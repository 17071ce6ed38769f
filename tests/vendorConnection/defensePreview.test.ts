import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks } from "../support/mocks";
import { settle } from "../support/settle";
import { GRAPH_USER_READ, NOW, T, names } from "./support";

describe("Defense in depth in preview", () => {
    it("declares the same resources in preview (unknown outputs) as in an update: network policy, federation, notices", async () => {
        const run = async (preview: boolean) => {
            const mocks = new RecordingMocks({ dynamic: "none", previewUnknowns: preview });
            await pulumi.runtime.setMocks(mocks, "vendor-connections", "test", preview);
            const { VendorConnection, VendorVault } = await import("../../components");
            // A new vault: its id and topic name are unknown in preview.
            const vault = new VendorVault("vendors", { resourceGroupName: "rg-vendors", eventNotifications: true });
            new VendorConnection("scanner", {
                permissions: GRAPH_USER_READ,
                vault,
                allowedIpRanges: ["198.51.100.0/26"],
                allowedIpRangesState: "reportOnly",
                notify: { webhookUrl: "https://hooks.northwind.example/rotated" },
                now: NOW.toISOString(),
            });
            new VendorConnection("backup", {
                permissions: GRAPH_USER_READ,
                credential: { type: "federated", issuer: "https://login.fabrikam.example", subject: "agent", trustedFrom: "2026-11-02T09:00:00Z" },
                allowedIpRanges: ["203.0.113.0/24"],
                now: NOW.toISOString(),
            });
            await settle();
            return names(mocks.resources);
        };
        const update = await run(false);
        const preview = await run(true);
        for (const type of [T.namedLocation, T.policy, T.systemTopic, T.subscription, T.federated]) {
            assert.ok(
                update.some((r) => r.startsWith(`${type} `)),
                `the update declares a ${type}`,
            );
        }
        assert.equal(update.filter((r) => r.startsWith(`${T.policy} `)).length, 2);
        assert.deepEqual(preview, update);
    });
});
