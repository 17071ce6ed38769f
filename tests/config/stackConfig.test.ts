import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { issueLines as issuesOf } from "../support/validation";
import { exampleProjectConfig } from "../support/exampleStack";
import { parseStackConfig, readStackConfig } from "../../cli/config";

// The stack configuration of project `vendor-connections`: what parseStackConfig accepts, and that
// every problem is reported at once with its config path and what is allowed.

const NOW = new Date("2026-12-01T09:00:00Z");
const graph = (...roles: string[]) => [{ api: "MicrosoftGraph", roles }];
const minimal = () => ({ vault: { resourceGroupName: "rg" }, connections: { backup: { permissions: graph("User.Read.All") } } });

function assertIssues(raw: Record<string, unknown>, expected: (string | RegExp)[]): void {
    const issues = issuesOf(() => parseStackConfig(raw, NOW));
    assert.equal(issues.length, expected.length, `expected ${expected.length} issues, got:\n${issues.join("\n")}`);
    expected.forEach((pattern, i) =>
        typeof pattern === "string" ? assert.ok(issues[i].startsWith(pattern), `${issues[i]} should start with ${pattern}`) : assert.match(issues[i], pattern),
    );
}

describe("stack configuration (cli/config)", () => {
    it("accepts the example stack's Pulumi.dev.yaml, connections in file order", () => {
        const config = parseStackConfig(exampleProjectConfig(), NOW);
        assert.deepEqual(
            config.connections.map((c) => c.name),
            ["mail-archiver", "backup", "security-scanner"],
        );
        assert.equal(config.vault.name, "kv-vendorconn-dev");
        assert.equal(config.revokeIssuedBefore, undefined);
    });

    it("accepts a minimal configuration and keeps settings as given, the tenant-wide cutoff beside the connection's own", () => {
        const config = parseStackConfig({ ...minimal(), revokeIssuedBefore: "2026-12-01T08:00:00Z" }, NOW);
        assert.deepEqual(config.vault, { resourceGroupName: "rg" });
        assert.deepEqual(
            config.connections.map(({ name, settings }) => ({ name, settings })),
            [{ name: "backup", settings: { permissions: graph("User.Read.All"), revokeIssuedBefore: ["2026-12-01T08:00:00Z"] } }],
        );
        assert.deepEqual(config.connections[0].plan.revokeIssuedBefore, new Date("2026-12-01T08:00:00Z"));
        assert.equal(config.revokeIssuedBefore, "2026-12-01T08:00:00Z");
    });

    it("applies the later of a connection's cutoff and the tenant-wide one, and names a bad one by its own config path", () => {
        const connections = (revokeIssuedBefore: string) => ({ backup: { permissions: graph("User.Read.All"), revokeIssuedBefore } });
        const config = parseStackConfig({ ...minimal(), connections: connections("2026-12-01T08:30:00Z"), revokeIssuedBefore: "2026-12-01T08:00:00Z" }, NOW);
        assert.deepEqual(config.connections[0].plan.revokeIssuedBefore, new Date("2026-12-01T08:30:00Z"));
        assertIssues({ ...minimal(), connections: connections("yesterday"), revokeIssuedBefore: "2026-12-01T08:00:00Z" }, [
            `connections.backup.revokeIssuedBefore: "yesterday" is not an RFC 3339 instant`,
        ]);
    });

    it("requires vault and connections", () => {
        assertIssues({}, ["vault: is required", "connections: is required: a map from connection name to its settings."]);
        assertIssues({ vault: { resourceGroupName: "rg" }, connections: ["backup"] }, ["connections: must be a map from connection name to its settings."]);
    });

    it("names unknown keys at every level, with the allowed ones", () => {
        assertIssues({ ...minimal(), conections: {} }, [
            "conections: unknown config key vendor-connections:conections; allowed keys: vault, connections, revokeIssuedBefore, deployerObjectId, sweep.",
        ]);
        assertIssues({ ...minimal(), vault: { resourceGroupName: "rg", skus: "premium" } }, [/^vault: unknown key "skus"; allowed keys: resourceGroupName, location, name/]);
        assertIssues({ ...minimal(), connections: { backup: { permissions: graph("User.Read.All"), lifetime: "P7D" } } }, [
            /^connections\.backup: unknown key "lifetime"; allowed keys: displayName/,
        ]);
        assertIssues({ ...minimal(), connections: { backup: { permissions: graph("User.Read.All"), certificate: { lifetme: "P7D" } } } }, [
            /^connections\.backup\.certificate: unknown key "lifetme"; allowed keys: lifetime, renewBefore, keySize/,
        ]);
    });

    it("names each owner that is not an Entra object id", () => {
        assertIssues(
            { ...minimal(), connections: { backup: { permissions: graph("User.Read.All"), owners: ["77777777-7777-4777-a777-777777777777", "alice@contoso.example"] } } },
            ['connections.backup.owners[1]: "alice@contoso.example" is not an Entra object id; use a GUID such as 00000000-0000-0000-0000-000000000000.'],
        );
    });

    it("takes the stack's deployer as an Entra object id, reads the declared empty default as none, and names anything else", () => {
        assert.equal(parseStackConfig({ ...minimal(), deployerObjectId: "99999999-9999-4999-a999-999999999999" }, NOW).deployerObjectId, "99999999-9999-4999-a999-999999999999");
        assert.equal(parseStackConfig({ ...minimal(), deployerObjectId: "" }, NOW).deployerObjectId, undefined);
        assertIssues({ ...minimal(), deployerObjectId: "ci-pipeline" }, [
            'deployerObjectId: "ci-pipeline" is not an Entra object id; use a GUID such as 00000000-0000-0000-0000-000000000000.',
        ]);
        assertIssues({ ...minimal(), deployerObjectId: 42 }, ["deployerObjectId: 42 is not an Entra object id"]);
    });

    it("names wrong types with what was given", () => {
        assertIssues(
            {
                vault: { resourceGroupName: 42, allowedIpRanges: "10.0.0.0/8" },
                connections: { backup: { permissions: graph("User.Read.All"), suspended: "yes", certificate: { keySize: "4096" } } },
            },
            [
                "vault.resourceGroupName: must be a string, not number 42.",
                'vault.allowedIpRanges: must be a list, not string "10.0.0.0/8".',
                'connections.backup.certificate.keySize: must be a number, not string "4096".',
                'connections.backup.suspended: must be a boolean, not string "yes".',
            ],
        );
        assertIssues({ ...minimal(), connections: { backup: {} } }, ["connections.backup.permissions: is required (array)."]);
    });

    it("reports every problem of every connection at once, each at its own path", () => {
        assertIssues(
            {
                vault: { resourceGroupName: "rg", name: "kv--vendors", allowedIpRanges: ["203.0.113.0/24", "300.1.1.1"] },
                revokeIssuedBefore: "2027-01-01T00:00:00Z",
                connections: {
                    "bad name!": { permissions: graph("User.Read.All") },
                    archiver: { permissions: [{ api: "Office365ExchangeOnline", roles: ["full_access_as_app", "full_access_as_app"] }], readers: ["nope"] },
                    backup: { permissions: graph("Files.Read.All"), certificate: { lifetime: "P500D" }, revokeIssuedBefore: "soon" },
                },
            },
            [
                /^vault\.name: "kv--vendors" is not a valid Key Vault name/,
                /^vault\.allowedIpRanges\[1\]: "300\.1\.1\.1" is not an IPv4 address or CIDR range/,
                /^revokeIssuedBefore: 2027-01-01T00:00:00\.000Z is in the future; a revocation cutoff must be at or before the deploy time/,
                /^connections\.bad name!: "bad name!" is not a valid connection name; use 1-63 letters, digits and hyphens/,
                /^connections\.archiver\.permissions\[0\]\.roles\[1\]: "full_access_as_app" is already listed at connections\.archiver\.permissions\[0\]\.roles\[0\]/,
                /^connections\.archiver\.readers\[0\]: "nope" is not an Entra object id/,
                /^connections\.backup\.certificate\.lifetime: P500D .*PT1H.*P397D/,
                /^connections\.backup\.revokeIssuedBefore: "soon" is not an RFC 3339 instant/,
            ],
        );
    });

    it("rejects a future cutoff per connection and stack-wide, and accepts one at the deploy instant", () => {
        assertIssues({ ...minimal(), connections: { backup: { permissions: graph("User.Read.All"), revokeIssuedBefore: "2026-12-01T09:00:01Z" } } }, [
            /^connections\.backup\.revokeIssuedBefore: 2026-12-01T09:00:01\.000Z is in the future/,
        ]);
        // The title's stack-wide half, which only the acceptance below stood for.
        assertIssues({ ...minimal(), revokeIssuedBefore: "2026-12-01T09:00:01Z" }, [/^revokeIssuedBefore: 2026-12-01T09:00:01\.000Z is in the future/]);
        assert.equal(parseStackConfig({ ...minimal(), revokeIssuedBefore: "2026-12-01T09:00:00Z" }, NOW).revokeIssuedBefore, "2026-12-01T09:00:00Z");
    });

    it("reads an empty stack-wide cutoff (Pulumi.yaml's declared default) as none, and an empty connection cutoff as an error", () => {
        const config = parseStackConfig({ ...minimal(), revokeIssuedBefore: "" }, NOW);
        assert.equal(config.revokeIssuedBefore, undefined);
        assertIssues({ ...minimal(), connections: { backup: { permissions: graph("User.Read.All"), revokeIssuedBefore: "" } } }, [
            /^connections\.backup\.revokeIssuedBefore: "" is not an RFC 3339 instant/,
        ]);
    });

    it("refuses two connections that would share a vault secret, whatever the case", () => {
        assertIssues(
            {
                ...minimal(),
                connections: {
                    backup: { permissions: graph("User.Read.All") },
                    archive: { permissions: graph("User.Read.All"), secretName: "Backup-Certificate" },
                },
            },
            ["connections.archive.secretName: Backup-Certificate is already the secret of connection backup; each connection needs its own secret."],
        );
    });

    describe("readStackConfig (through Pulumi's runtime config)", () => {
        afterEach(() => pulumi.runtime.setAllConfig({}));

        it("decodes structured values from JSON, keeps strings and ignores other projects' keys", () => {
            pulumi.runtime.setAllConfig({
                "vendor-connections:vault": JSON.stringify({ resourceGroupName: "rg" }),
                "vendor-connections:connections": JSON.stringify({ backup: { permissions: graph("User.Read.All") } }),
                "vendor-connections:revokeIssuedBefore": "2026-12-01T08:00:00Z",
                "azure-native:location": "westeurope",
            });
            const config = readStackConfig(NOW);
            assert.equal(config.revokeIssuedBefore, "2026-12-01T08:00:00Z");
            assert.deepEqual(
                config.connections.map((c) => c.name),
                ["backup"],
            );
        });

        it("reports a typo in the project's namespace instead of ignoring it", () => {
            pulumi.runtime.setAllConfig({
                "vendor-connections:vault": JSON.stringify({ resourceGroupName: "rg" }),
                "vendor-connections:connections": JSON.stringify({ backup: { permissions: graph("User.Read.All") } }),
                "vendor-connections:revokeIssuedBfore": "2026-12-01T08:00:00Z",
            });
            assert.deepEqual(
                issuesOf(() => readStackConfig(NOW)),
                ["revokeIssuedBfore: unknown config key vendor-connections:revokeIssuedBfore; allowed keys: vault, connections, revokeIssuedBefore, deployerObjectId, sweep."],
            );
        });
    });
});
