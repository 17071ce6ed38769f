import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks } from "../support/mocks";
import { settle } from "../support/settle";
import { valueOf } from "../support/outputs";
import { FAKE_SUBSCRIPTION_ID, FAKE_TENANT_ID, fakeGuid } from "../support/fakes";

describe("VendorVault", () => {
    const mocks = new RecordingMocks({ dynamic: "none" });
    let vaultModule: typeof import("../../components/vault");

    before(async () => {
        await pulumi.runtime.setMocks(mocks, "vendor-connections", "test");
        vaultModule = await import("../../components/vault");
    });
    beforeEach(() => mocks.reset());

    it("declares a hardened vault in an existing resource group, tenant from the deploying identity", async () => {
        const vault = new vaultModule.VendorVault("vendors", { resourceGroupName: "rg-vendors", location: "westeurope", vaultName: "kv-vendors-prod" });
        await settle();

        assert.deepEqual(
            mocks.resources.map((r) => `${r.type} ${r.name}`),
            ["vendor-connections:index:VendorVault vendors", "azure-native:keyvault:Vault vendors-kv"],
        );
        const kv = mocks.one("azure-native:keyvault:Vault", "vendors-kv");
        assert.deepEqual(kv.inputs, {
            resourceGroupName: "rg-vendors",
            vaultName: "kv-vendors-prod",
            location: "westeurope",
            properties: {
                tenantId: FAKE_TENANT_ID,
                sku: { family: "A", name: "standard" },
                enableRbacAuthorization: true,
                enableSoftDelete: true,
                softDeleteRetentionInDays: 90,
                enablePurgeProtection: true,
                networkAcls: { defaultAction: "Allow", bypass: "AzureServices" },
                // azure-native's documented defaults, filled in by the SDK:
                enabledForDeployment: false,
                enabledForDiskEncryption: false,
                enabledForTemplateDeployment: false,
                publicNetworkAccess: "enabled",
            },
        });
        assert.deepEqual(
            mocks.invokes.map((i) => i.token),
            ["azure-native:authorization:getClientConfig"],
        );
        assert.equal(await valueOf(vault.vaultName), "kv-vendors-prod");
        assert.equal(await valueOf(vault.vaultUri), "https://kv-vendors-prod.vault.azure.net/");
        assert.equal(await valueOf(vault.resourceGroupName), "rg-vendors");
        assert.equal(await valueOf(vault.tenantId), FAKE_TENANT_ID);
        assert.match(await valueOf(vault.vaultId), /\/providers\/Microsoft.KeyVault\/vaults\/kv-vendors-prod$/);
        const urn = await valueOf(vault.urn);
        assert.match(urn, /::vendor-connections:index:VendorVault::vendors$/);
    });

    it("creates the resource group, denies all but the allowed IPv4 ranges, and sends AuditEvent logs to the workspace", async () => {
        new vaultModule.VendorVault("vendors", {
            resourceGroupName: "rg-new",
            createResourceGroup: true,
            location: "northeurope",
            allowedIpRanges: ["203.0.113.0/24", "198.51.100.7"],
            softDeleteRetentionInDays: 30,
            auditLogWorkspaceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/audit",
            tags: { owner: "secops" },
        });
        await settle();

        assert.deepEqual(
            mocks.resources.map((r) => `${r.type} ${r.name}`),
            [
                "vendor-connections:index:VendorVault vendors",
                "azure-native:resources:ResourceGroup vendors-rg",
                "azure-native:keyvault:Vault vendors-kv",
                "azure-native:monitor:DiagnosticSetting vendors-audit",
            ],
        );
        assert.deepEqual(mocks.one("azure-native:resources:ResourceGroup", "vendors-rg").inputs, {
            resourceGroupName: "rg-new",
            location: "northeurope",
            tags: { owner: "secops" },
        });
        const kv = mocks.one("azure-native:keyvault:Vault", "vendors-kv");
        assert.equal(kv.inputs.resourceGroupName, "rg-new");
        assert.deepEqual(kv.inputs.tags, { owner: "secops" });
        assert.equal(kv.inputs.properties.softDeleteRetentionInDays, 30);
        assert.deepEqual(kv.inputs.properties.networkAcls, {
            defaultAction: "Deny",
            bypass: "AzureServices",
            ipRules: [{ value: "203.0.113.0/24" }, { value: "198.51.100.7/32" }],
        });
        const audit = mocks.one("azure-native:monitor:DiagnosticSetting", "vendors-audit");
        assert.deepEqual(audit.inputs, {
            resourceUri: `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-new/providers/Microsoft.KeyVault/vaults/vendors-kv${fakeGuid("vendors-kv").slice(0, 8)}`,
            workspaceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/audit",
            logs: [{ category: "AuditEvent", enabled: true }],
        });
    });

    it("passes the caller's provider to every child and to the client-config invoke", async () => {
        const provider = new (await import("@pulumi/azure-native")).Provider("other-subscription", {});
        new vaultModule.VendorVault("vendors", { resourceGroupName: "rg", createResourceGroup: true, location: "westeurope" }, { providers: [provider] });
        await settle();
        const children = mocks.resources.filter((r) => r.custom && r.type.startsWith("azure-native:") && !r.type.startsWith("pulumi:providers"));
        assert.equal(children.length, 2);
        for (const child of children) {
            assert.match(child.provider ?? "", /pulumi:providers:azure-native::other-subscription::/, `${child.type} ${child.name}`);
        }
        assert.match(mocks.invokes[0].provider ?? "", /pulumi:providers:azure-native::other-subscription::/);
    });

    it("rejects bad settings before declaring anything, naming each argument and what is allowed", async () => {
        assert.throws(
            () =>
                new vaultModule.VendorVault("bad", {
                    resourceGroupName: "rg",
                    createResourceGroup: true,
                    vaultName: "1-not--valid",
                    allowedIpRanges: ["203.0.113.7/24", "2001:db8::/32", "nonsense"],
                    softDeleteRetentionInDays: 365,
                }),
            (err: Error) => {
                const lines = err.message.split("\n");
                assert.deepEqual(
                    lines.filter((l) => /^[a-zA-Z]+(\[\d+\])?:/.test(l)).map((l) => l.split(":")[0]),
                    ["vaultName", "allowedIpRanges[0]", "allowedIpRanges[1]", "allowedIpRanges[2]", "softDeleteRetentionInDays", "location"],
                );
                assert.match(err.message, /allowedIpRanges\[1\]: 2001:db8::\/32 is IPv6; the Key Vault firewall accepts IPv4/);
                assert.match(err.message, /softDeleteRetentionInDays: 365 is not allowed; use a whole number of days from 7 to 90\./);
                return true;
            },
        );
        await settle();
        assert.deepEqual(
            mocks.resources.filter((r) => r.type !== "vendor-connections:index:VendorVault"),
            [],
        );
    });
});
