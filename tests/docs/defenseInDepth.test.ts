import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { parseStackConfig } from "../../cli/config";
import { exampleConfig } from "../support/exampleStack";
import { codeBlocks, markdownSection } from "../support/markdown";
import { RecordingMocks } from "../support/mocks";
import { settle } from "../support/settle";

// docs/security.md's "Defense in depth" section: its config snippets are valid settings of the
// example stack's connections, and its Kusto query reads the log the vault's diagnostic setting writes.

const section = markdownSection("docs/security.md", "Defense in depth");
const blocks = (language: string) => codeBlocks(section, language);
const example = exampleConfig();

describe("docs/security.md Defense in depth", () => {
    it("each config snippet, applied to the example connection it names, is valid configuration", () => {
        const snippets = blocks("yaml");
        assert.equal(snippets.length, 3);
        for (const snippet of snippets) {
            const [[name, settings]] = Object.entries<Record<string, unknown>>(parse(snippet));
            const connections = structuredClone(example["vendor-connections:connections"]);
            assert.ok(name in connections, `docs/security.md names ${name}, which the example stack does not have`);
            const connection = { ...connections[name], ...settings };
            if ((settings.credential as { type?: string } | undefined)?.type === "federated") {
                // As the section says: a federated connection has no certificate or readers.
                delete connection.certificate;
                delete connection.readers;
                delete connection.readerIpRanges;
            }
            connections[name] = connection;
            assert.doesNotThrow(() => parseStackConfig({ vault: example["vendor-connections:vault"], connections }, new Date("2026-12-01T09:00:00Z")), `the snippet for ${name}`);
        }
    });

    it("the Kusto query reads SecretGet events of the log category, in the table, that VendorVault's diagnostic setting writes, from the example's vault", async () => {
        // What the query must match is what VendorVault declares, not a copy of it here: the log
        // categories its diagnostic setting enables, and the table they land in (AzureDiagnostics
        // unless the setting asks for resource-specific tables with logAnalyticsDestinationType).
        const mocks = new RecordingMocks({ dynamic: "none" });
        await pulumi.runtime.setMocks(mocks, "vendor-connections", "test");
        const { VendorVault } = await import("../../components/vault");
        new VendorVault("vendors", { resourceGroupName: "rg", auditLogWorkspaceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/audit" });
        await settle();
        const setting = mocks.one("azure-native:monitor:DiagnosticSetting", "vendors-audit").inputs;
        const categories = (setting.logs as { category: string; enabled: boolean }[]).filter((log) => log.enabled).map((log) => log.category);
        assert.equal(setting.logAnalyticsDestinationType, undefined, "a resource-specific table would need another query");

        const [query] = blocks("kusto");
        assert.match(query, /^AzureDiagnostics$/m, "the table of the diagnostic setting's default destination type");
        const queried = [...query.matchAll(/Category == "([^"]+)"/g)].map((m) => m[1]);
        assert.deepEqual(queried, categories, "the query filters on the category the vault sends");
        assert.match(query, /OperationName == "SecretGet"/);
        assert.match(query, new RegExp(`Resource =~ "${example["vendor-connections:vault"].name}"`));
    });
});
