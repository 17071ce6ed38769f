import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks } from "../support/mocks";
import { settle } from "../support/settle";
import { issueLines } from "../support/validation";

// The vault firewall's allowedIpRanges: Key Vault IP rules take public IPv4 only (ARM refuses
// RFC 1918 ranges at deploy time), and a range as wide as 0.0.0.0/0 would switch the firewall off
// behind defaultAction Deny. Both entry points, stack config and the component argument, must say so
// before anything is declared, each naming the path its user wrote.

const NOW = new Date("2026-12-01T09:00:00Z");
const graph = [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }];

const PRIVATE = (entry: string) =>
    `${entry} is private address space; the Key Vault firewall sees only public source addresses, so list the public ranges the traffic leaves from.`;
const TOO_WIDE = (entry: string) =>
    `${entry} is too wide; use prefixes of /8 or longer: a wider range lets much of the internet reach the vault (0.0.0.0/0 all of it), which turns the firewall off; to allow every network, omit allowedIpRanges.`;

// Each bad entry and the one message it must get; the good ones between them must get none.
const RANGES = ["203.0.113.0/24", "10.0.0.0/8", "192.168.1.5", "0.0.0.0/0", "8.0.0.0/7", "172.16.5.0/24", "172.0.0.0/8", "9.0.0.0/8"];
const EXPECTED = (path: string) => [
    `${path}[1]: ${PRIVATE("10.0.0.0/8")}`,
    `${path}[2]: ${PRIVATE("192.168.1.5")}`,
    `${path}[3]: ${TOO_WIDE("0.0.0.0/0")}`,
    `${path}[4]: ${TOO_WIDE("8.0.0.0/7")}`,
    `${path}[5]: ${PRIVATE("172.16.5.0/24")}`,
    // Public in part, but it contains 172.16.0.0/12, which Key Vault refuses.
    `${path}[6]: ${PRIVATE("172.0.0.0/8")}`,
];

describe("VendorVault firewall: allowedIpRanges", () => {
    const mocks = new RecordingMocks({ dynamic: "none" });
    let vaultModule: typeof import("../../components/vault");
    let configModule: typeof import("../../cli/config");

    before(async () => {
        await pulumi.runtime.setMocks(mocks, "vendor-connections", "test");
        vaultModule = await import("../../components/vault");
        configModule = await import("../../cli/config");
    });
    beforeEach(() => mocks.reset());

    it("stack config: rejects private, 0.0.0.0/0 and wider-than-/8 ranges at vault.allowedIpRanges[i], and nothing else", () => {
        const raw = { vault: { resourceGroupName: "rg", allowedIpRanges: RANGES }, connections: { backup: { permissions: graph } } };
        assert.deepEqual(
            issueLines(() => configModule.parseStackConfig(raw, NOW)),
            EXPECTED("vault.allowedIpRanges"),
        );
    });

    it("component argument: rejects the same entries at allowedIpRanges[i] before declaring anything", async () => {
        assert.throws(
            () => new vaultModule.VendorVault("bad", { resourceGroupName: "rg", allowedIpRanges: RANGES }),
            (err: Error) => {
                assert.ok(err instanceof pulumi.ResourceError, `expected a ResourceError, got ${String(err)}`);
                assert.deepEqual(
                    err.message.split("\n").filter((line) => /^allowedIpRanges\[\d+\]: /.test(line)),
                    EXPECTED("allowedIpRanges"),
                );
                return true;
            },
        );
        await settle();
        assert.deepEqual(
            mocks.resources.filter((r) => r.type !== "vendor-connections:index:VendorVault"),
            [],
        );
    });

    it("accepts public ranges of /8 or narrower from either entry point, and declares them normalised to CIDR", async () => {
        const ranges = ["203.0.113.0/24", "198.51.100.7", "198.51.100.8/32", "9.0.0.0/8", "172.32.0.0/11", "192.169.0.0/16"];
        const config = configModule.parseStackConfig({ vault: { resourceGroupName: "rg", allowedIpRanges: ranges }, connections: { backup: { permissions: graph } } }, NOW);
        assert.deepEqual(config.vault.allowedIpRanges, ranges);

        new vaultModule.VendorVault("vendors", { resourceGroupName: "rg", location: "westeurope", allowedIpRanges: config.vault.allowedIpRanges });
        await settle();
        const kv = mocks.one("azure-native:keyvault:Vault", "vendors-kv");
        assert.deepEqual(kv.inputs.properties.networkAcls, {
            defaultAction: "Deny",
            bypass: "AzureServices",
            ipRules: ["203.0.113.0/24", "198.51.100.7/32", "198.51.100.8/32", "9.0.0.0/8", "172.32.0.0/11", "192.169.0.0/16"].map((value) => ({ value })),
        });
    });
});
