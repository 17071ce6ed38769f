import * as assert from "node:assert/strict";
import { IssueCollector } from "../../components/errors";
import { planVaultFirewall, type VaultReader } from "../../components/vault/firewall";

// planVaultFirewall is public: a stack with its own configuration builds its VaultReaders by hand,
// not only through vaultReaderOf from a judged plan. What it admits then follows from the ranges
// as given: Key Vault's firewall takes IPv4 only, and what is no range admits nothing.

function reader(ranges: Partial<Pick<VaultReader, "allowedIpRanges" | "readerIpRanges">>): VaultReader {
    return { path: "connections.acme", readersUse: "certificate", readers: 1, allowedIpRanges: undefined, readerIpRanges: undefined, ...ranges };
}

function plan(readers: VaultReader[]) {
    const issues = new IssueCollector();
    const firewall = planVaultFirewall(["203.0.113.0/24"], "vault.allowedIpRanges", readers, issues);
    return { ranges: firewall?.ipRules.map((rule) => rule.range), notAdmitted: firewall?.notAdmitted.map((entry) => entry.range), issues: issues.issues.map((i) => i.path) };
}

describe("planVaultFirewall, given readers built by hand", () => {
    it("admits the IPv4 reader ranges only: an IPv6 one in readerIpRanges is left out", () => {
        assert.deepEqual(plan([reader({ readerIpRanges: ["198.51.100.0/24", "2001:db8::/48"] })]), {
            ranges: ["203.0.113.0/24", "198.51.100.0/24"],
            notAdmitted: [],
            issues: [],
        });
    });

    it("admits nothing for an entry that is no range, and says the readers cannot reach the vault when nothing else is left", () => {
        assert.deepEqual(plan([reader({ readerIpRanges: ["not a range", "198.51.100.7/32"] })]).ranges, ["203.0.113.0/24", "198.51.100.7/32"]);
        assert.deepEqual(plan([reader({ allowedIpRanges: ["not a range"] })]), { ranges: ["203.0.113.0/24"], notAdmitted: [], issues: ["connections.acme.readers"] });
    });
});
