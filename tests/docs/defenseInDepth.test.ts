import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { parseStackConfig } from "../../cli/config";
import { exampleConfig } from "../support/exampleStack";
import { codeBlocks, markdownSection } from "../support/markdown";

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

    it("the Kusto query reads SecretGet events of the AuditEvent category, from the example's vault", () => {
        const [query] = blocks("kusto");
        assert.match(query, /^AzureDiagnostics$/m, "the table of the diagnostic setting's default destination type");
        assert.match(query, /Category == "AuditEvent"/, "the category VendorVault sends (tests/vault/vendorVault.test.ts)");
        assert.match(query, /OperationName == "SecretGet"/);
        assert.match(query, new RegExp(`Resource =~ "${example["vendor-connections:vault"].name}"`));
    });
});
