import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks } from "../support/mocks";
import { settle } from "../support/settle";
import { issueLines } from "../support/validation";
import { FAKE_VAULT } from "../support/fakes";
import { exampleProjectConfig } from "../support/exampleStack";

// A vault with allowedIpRanges denies every network it does not list, and a vendor's readers fetch
// their certificate from the vendor's own network: ARM writes bypass the firewall, so a deploy would
// succeed and the vendor fail later. The stack's vault admits each reading vendor's IPv4 ranges;
// a connection the firewall would still block is refused, naming both settings.

const NOW = new Date("2026-12-01T09:00:00Z");
const graph = [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }];
const READER = "44444444-4444-4444-a444-444444444444";
const VAULT_RANGES = ["203.0.113.0/24"];

function stackConfig(connections: Record<string, unknown>, vaultRanges: string[] | null = VAULT_RANGES) {
    return { vault: { resourceGroupName: "rg", ...(vaultRanges ? { allowedIpRanges: vaultRanges } : {}) }, connections };
}

describe("vendors reach their vault through its firewall", () => {
    const mocks = new RecordingMocks({ dynamic: "none" });
    let components: typeof import("../../components");
    let stackConfigModule: typeof import("../../cli/config");

    before(async () => {
        await pulumi.runtime.setMocks(mocks, "vendor-connections", "test");
        components = await import("../../components");
        stackConfigModule = await import("../../cli/config");
    });
    beforeEach(() => mocks.reset());

    describe("stack config", () => {
        it("admits, besides the vault's own ranges, the IPv4 ranges of every certificate connection with readers, once each", () => {
            const config = stackConfigModule.parseStackConfig(
                stackConfig({
                    archiver: { permissions: graph, readers: [READER], allowedIpRanges: ["192.0.2.0/27", "2001:db8::/48", "203.0.113.0/24"] },
                    backup: { permissions: graph, readers: [READER], allowedIpRanges: ["198.51.100.7"] },
                    // No readers: nobody of the vendor's fetches from the vault, so nothing to admit.
                    scanner: { permissions: graph, allowedIpRanges: ["198.51.100.64/26"] },
                }),
                NOW,
            );
            assert.deepEqual(config.vaultFirewall, {
                ipRules: [
                    { range: "203.0.113.0/24", from: ["vault.allowedIpRanges", "connections.archiver.allowedIpRanges"] },
                    { range: "192.0.2.0/27", from: ["connections.archiver.allowedIpRanges"] },
                    { range: "198.51.100.7/32", from: ["connections.backup.allowedIpRanges"] },
                ],
                notAdmitted: [
                    {
                        range: "2001:db8::/48",
                        from: "connections.archiver.allowedIpRanges",
                        reason: "Key Vault's firewall admits IPv4 only; this range still limits where the vendor may sign in from",
                    },
                ],
            });
        });

        it("admits a connection's readerIpRanges instead of its sign-in ranges: no Conditional Access licence needed, and IPv6 sign-in ranges are then no concern of the vault", () => {
            const config = stackConfigModule.parseStackConfig(
                stackConfig({
                    archiver: { permissions: graph, readers: [READER], readerIpRanges: ["192.0.2.0/27", "192.0.2.77"] },
                    scanner: { permissions: graph, readers: [READER], allowedIpRanges: ["2001:db8::/48", "198.51.100.0/26"], readerIpRanges: ["192.0.2.128/27"] },
                }),
                NOW,
            );
            assert.deepEqual(config.vaultFirewall, {
                ipRules: [
                    { range: "203.0.113.0/24", from: ["vault.allowedIpRanges"] },
                    { range: "192.0.2.0/27", from: ["connections.archiver.readerIpRanges"] },
                    { range: "192.0.2.77/32", from: ["connections.archiver.readerIpRanges"] },
                    { range: "192.0.2.128/27", from: ["connections.scanner.readerIpRanges"] },
                ],
                notAdmitted: [],
            });
        });

        it("checks readerIpRanges as the vault firewall takes them, and only where there are readers reading a certificate", () => {
            const issues = issueLines(() =>
                stackConfigModule.parseStackConfig(
                    stackConfig({
                        a: { permissions: graph, readers: [READER], readerIpRanges: ["2001:db8::/48", "10.1.0.0/16", "0.0.0.0/0"] },
                        b: { permissions: graph, readerIpRanges: ["192.0.2.0/27"] },
                        c: { permissions: graph, readers: [READER], readerIpRanges: [] },
                        d: {
                            permissions: graph,
                            readerIpRanges: ["192.0.2.0/27"],
                            credential: { type: "federated", issuer: "https://issuer.example", subject: "agent", trustedFrom: "2026-11-01T00:00:00Z" },
                        },
                    }),
                    NOW,
                ),
            );
            assert.deepEqual(issues, [
                "connections.a.readerIpRanges[0]: 2001:db8::/48 is IPv6; the Key Vault firewall accepts IPv4 addresses and ranges only.",
                "connections.a.readerIpRanges[1]: 10.1.0.0/16 is private address space; the Key Vault firewall sees only public source addresses, so list the public ranges the traffic leaves from.",
                "connections.a.readerIpRanges[2]: 0.0.0.0/0 is too wide; use prefixes of /8 or longer: a wider range lets much of the internet reach the vault (0.0.0.0/0 all of it), which turns the firewall off; list the readers' own egress ranges.",
                "connections.b.readerIpRanges: applies only together with connections.b.readers: it is where the readers fetch the certificate from.",
                "connections.c.readerIpRanges: is empty, which would admit no reader to the vault; omit it to admit the IPv4 allowedIpRanges, or list the ranges the readers fetch from.",
                'connections.d.readerIpRanges: is not allowed together with connections.d.credential.type "federated": a federated connection keeps no certificate in the vault, so no reader needs to reach it.',
            ]);
        });

        it("leaves a vault without a firewall open: no rules, vendor ranges not merged in (that would switch the firewall on)", () => {
            const config = stackConfigModule.parseStackConfig(stackConfig({ archiver: { permissions: graph, readers: [READER], allowedIpRanges: ["192.0.2.0/27"] } }, null), NOW);
            assert.equal(config.vaultFirewall, undefined);
        });

        it("refuses a connection whose readers the firewall would block, naming both settings and what to do", () => {
            const issues = issueLines(() =>
                stackConfigModule.parseStackConfig(
                    stackConfig({
                        archiver: { permissions: graph, readers: [READER] },
                        scanner: { permissions: graph, readers: [READER], allowedIpRanges: ["2001:db8::/48"] },
                        // No readers: nothing to admit, so an IPv6-only list pins its sign-ins and is fine.
                        signInOnly: { permissions: graph, allowedIpRanges: ["2001:db8::/48"] },
                    }),
                    NOW,
                ),
            );
            assert.deepEqual(issues, [
                "connections.archiver.readers: the vault's firewall (vault.allowedIpRanges) denies every network it does not list, and the readers fetch the certificate from the vendor's own; " +
                    "set connections.archiver.readerIpRanges to the public IPv4 ranges they fetch from (or connections.archiver.allowedIpRanges, which also pins the vendor's sign-ins to them and needs a Workload Identities Premium licence), " +
                    "or remove vault.allowedIpRanges to leave the vault reachable from every network (RBAC still decides who reads).",
                "connections.scanner.readers: the vault's firewall (vault.allowedIpRanges) admits IPv4 networks only, and connections.scanner.allowedIpRanges lists IPv6 ranges alone, so the readers could not fetch the certificate; " +
                    "set connections.scanner.readerIpRanges to the public IPv4 ranges they fetch from.",
            ]);
        });

        it("the example stack's vault admits every vendor that reads from it", async () => {
            const config = stackConfigModule.parseStackConfig(exampleProjectConfig(), NOW);
            const admitted = new Set(config.vaultFirewall!.ipRules.map((r) => r.range));
            for (const { name, settings } of config.connections.filter((c) => (c.settings.readers ?? []).length > 0)) {
                const ipv4 = settings.readerIpRanges ?? (settings.allowedIpRanges ?? []).filter((r) => !r.includes(":"));
                assert.ok(ipv4.length > 0 && ipv4.every((r) => admitted.has(r)), `${name}'s readers cannot reach the vault`);
            }
        });
    });

    describe("component arguments", () => {
        const connection = (args: Partial<import("../../components").VendorConnectionArgs>) =>
            new components.VendorConnection("acme", {
                permissions: graph,
                now: NOW.toISOString(),
                readers: [READER],
                vault: { ...FAKE_VAULT, allowedIpRanges: ["203.0.113.0/24"] },
                ...args,
            });

        function refusal(args: Partial<import("../../components").VendorConnectionArgs>): string[] {
            try {
                connection(args);
            } catch (err) {
                assert.ok(err instanceof pulumi.ResourceError, String(err));
                return err.message.split("\n").slice(1);
            }
            assert.fail("the connection was accepted");
        }

        it("refuses readers behind a vault firewall that admits none of the connection's IPv4 ranges, naming both settings", () => {
            assert.deepEqual(refusal({}), [
                "readers: the vault's firewall (vault.allowedIpRanges) denies every network it does not list, and the readers fetch the certificate from the vendor's own; " +
                    "set readerIpRanges to the public IPv4 ranges they fetch from (or allowedIpRanges, which also pins the vendor's sign-ins to them and needs a Workload Identities Premium licence), " +
                    "or remove vault.allowedIpRanges to leave the vault reachable from every network (RBAC still decides who reads).",
            ]);
            assert.deepEqual(refusal({ readerIpRanges: ["203.0.113.0/24", "192.0.2.0/28"], allowedIpRanges: ["203.0.113.0/24"] }), [
                "readerIpRanges: 192.0.2.0/28 is not admitted by the vault's firewall (vault.allowedIpRanges), so the readers could not fetch the certificate from there; " +
                    "add it to the vault's allowed ranges (planVaultFirewall computes them for a whole stack).",
            ]);
            assert.deepEqual(refusal({ allowedIpRanges: ["203.0.113.0/28", "198.51.100.0/24", "192.0.2.9"] }), [
                "allowedIpRanges: 198.51.100.0/24, 192.0.2.9/32 are not admitted by the vault's firewall (vault.allowedIpRanges), so the readers could not fetch the certificate from there; " +
                    "add them to the vault's allowed ranges (planVaultFirewall computes them for a whole stack).",
            ]);
        });

        it("accepts ranges the firewall admits (also inside a wider rule), no readers, a federated connection, or a vault it does not manage", async () => {
            connection({ allowedIpRanges: ["203.0.113.16/28", "2001:db8::/48"] });
            connection({ readers: [] });
            // Reader networks without sign-in pinning: no Conditional Access policy.
            new components.VendorConnection("readsonly", {
                permissions: graph,
                now: NOW.toISOString(),
                readers: [READER],
                readerIpRanges: ["203.0.113.128/25"],
                vault: { ...FAKE_VAULT, allowedIpRanges: ["203.0.113.0/24"] },
            });
            new components.VendorConnection("fed", {
                permissions: graph,
                now: NOW.toISOString(),
                credential: { type: "federated", issuer: "https://issuer.example", subject: "agent", trustedFrom: "2026-11-01T00:00:00Z" },
            });
            new components.VendorConnection("other", { permissions: graph, now: NOW.toISOString(), readers: [READER], vault: FAKE_VAULT });
            await settle();
            assert.equal(mocks.ofType("vendor-connections:index:VendorConnection").length, 5);
            assert.deepEqual(
                mocks.resources.filter((r) => r.name.startsWith("readsonly-") && r.type.includes("conditionalAccess")).map((r) => r.name),
                [],
            );
        });

        it("a VendorVault states what its firewall admits, so its connections are checked against it", async () => {
            const vault = new components.VendorVault("vendors", { resourceGroupName: "rg", location: "westeurope", allowedIpRanges: ["203.0.113.7"] });
            assert.deepEqual(vault.allowedIpRanges, ["203.0.113.7/32"]);
            assert.equal(new components.VendorVault("open", { resourceGroupName: "rg", location: "westeurope" }).allowedIpRanges, undefined);
            assert.throws(
                () => new components.VendorConnection("acme", { permissions: graph, now: NOW.toISOString(), readers: [READER], vault }),
                /^readers: the vault's firewall/m,
            );
            await settle();
        });
    });
});
