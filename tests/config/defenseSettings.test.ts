import * as assert from "node:assert/strict";
import { issueLines } from "../support/validation";
import { parseStackConfig } from "../../cli/config";

// The defense-in-depth settings (docs/security.md#defense-in-depth) in stack config: accepted as
// given, and judged by the components' own validators, so every error names its config path.

const NOW = new Date("2026-12-01T09:00:00Z");
const graph = [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }];
const withConnections = (connections: Record<string, unknown>) => ({ vault: { resourceGroupName: "rg" }, connections });

describe("stack configuration: allowedIpRanges, credential, notify", () => {
    it("accepts them and keeps them as given; the vault needs its event topic only when some connection has notify", () => {
        const scanner = {
            permissions: graph,
            allowedIpRanges: ["198.51.100.0/26", "2001:db8:4e57::/48"],
            allowedIpRangesState: "reportOnly",
            notify: { webhookUrl: "https://hooks.northwind.example/rotated" },
        };
        const backup = {
            permissions: graph,
            credential: { type: "federated", issuer: "https://login.fabrikam.example", subject: "agent", trustedFrom: "2026-11-02T09:00:00Z" },
        };
        const config = parseStackConfig(withConnections({ scanner, backup }), NOW);
        assert.deepEqual(
            config.connections.map(({ name, settings }) => ({ name, settings })),
            [
                { name: "scanner", settings: scanner },
                { name: "backup", settings: backup },
            ],
        );
        assert.equal(config.needsVaultEvents, true);
        assert.equal(parseStackConfig(withConnections({ backup }), NOW).needsVaultEvents, false);
    });

    it("names the exact config path of every problem, all at once", () => {
        const lines = issueLines(() =>
            parseStackConfig(
                withConnections({
                    acme: { permissions: graph, allowedIpRanges: ["203.0.113.0/24", "198.51.100.0/24", "10.0.0.0/8"], notify: { webhookUrl: "http://hooks.acme.example/x" } },
                    backup: {
                        permissions: graph,
                        certificate: { lifetime: "P14D" },
                        credential: { type: "federated", issuer: "https://login.fabrikam.example", subject: "agent", audiences: [], trustedFrom: "2026-11-02T09:00:00Z" },
                    },
                    other: { permissions: graph, credential: { type: "federated", tenant: "x" }, allowedIpRanges: "203.0.113.0/24" },
                }),
                NOW,
            ),
        );
        assert.deepEqual(
            lines.map((line) => line.slice(0, line.indexOf(": "))),
            [
                "connections.acme.allowedIpRanges[2]",
                "connections.acme.notify.webhookUrl",
                "connections.backup.certificate",
                "connections.backup.credential.audiences",
                "connections.other.credential",
                "connections.other.allowedIpRanges",
            ],
            lines.join("\n"),
        );
        assert.match(lines[1], /connection acme's rotation notices must not travel in clear text/);
        assert.match(lines[2], /is not allowed together with connections\.backup\.credential\.type "federated"/);
        assert.match(lines[4], /unknown key "tenant"; allowed keys: type, issuer, subject, audiences, trustedFrom, hardwareProtected\./);
        assert.match(lines[5], /must be a list, not string "203\.0\.113\.0\/24"\./);
    });

    it("lets two federated connections through the one-secret-per-connection check: they have no secret", () => {
        const federated = { type: "federated", issuer: "https://login.fabrikam.example", subject: "agent", trustedFrom: "2026-11-02T09:00:00Z" };
        const config = parseStackConfig(
            withConnections({ a: { permissions: graph, credential: federated }, b: { permissions: graph, credential: { ...federated, subject: "agent-2" } } }),
            NOW,
        );
        assert.equal(config.connections.length, 2);
    });
});
