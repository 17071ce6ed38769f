import * as assert from "node:assert/strict";
import { IssueCollector } from "../components/errors";
import { checkIpRanges, overlapsPrivateRange, parseIpRange, prefixLength } from "../components/network";
import { redactUrl } from "../components/url";
import { planConnection } from "../components/vendorConnection/validation";
import { issueLines } from "./support/validation";

describe("network: range rules shared by the vault firewall and Conditional Access", () => {
    it("knows prefix lengths and private address space, including ranges that only overlap it", () => {
        const range = (text: string) => parseIpRange(text)!;
        assert.equal(prefixLength(range("198.51.100.7")), 32);
        assert.equal(prefixLength(range("2001:db8::/48")), 48);
        for (const text of ["10.0.0.0/8", "10.20.30.0/24", "172.16.0.0/12", "172.31.255.255", "172.0.0.0/8", "192.168.1.0/24", "fd12:3456::/32", "fc00::/7"]) {
            assert.equal(overlapsPrivateRange(range(text)), true, text);
        }
        for (const text of ["172.32.0.0/11", "11.0.0.0/8", "192.169.0.0/16", "203.0.113.0/24", "2001:db8::/32", "fe00::/8"]) {
            assert.equal(overlapsPrivateRange(range(text)), false, text);
        }
    });

    it("checks a list against a service's rules: one issue per bad entry, at its index", () => {
        const issues = new IssueCollector();
        const ranges = checkIpRanges(["203.0.113.7", "2001:db8::/48", "4.0.0.0/6"], "x.allowedIpRanges", issues, {
            service: "the firewall",
            ipv6: false,
            minPrefix: 8,
            maxEntries: 2,
            whenEmpty: "which denies everything.",
        });
        assert.deepEqual(ranges, ["203.0.113.7/32", "2001:db8::/48", "4.0.0.0/6"]);
        assert.deepEqual(
            issues.issues.map((i) => `${i.path}: ${i.message}`),
            [
                "x.allowedIpRanges: lists 3 ranges; the firewall accepts at most 2.",
                "x.allowedIpRanges[1]: 2001:db8::/48 is IPv6; the firewall accepts IPv4 addresses and ranges only.",
                "x.allowedIpRanges[2]: 4.0.0.0/6 is too wide; the firewall accepts prefixes of /8 or longer.",
            ],
        );
        assert.equal(checkIpRanges(undefined, "x", issues, { service: "s", ipv6: true, whenEmpty: "." }), undefined);
    });
});

describe("allowedIpRanges of a connection: the Conditional Access named location's cap", () => {
    // Entra accepts at most 2000 ranges in one named location
    // (learn.microsoft.com/entra/identity/conditional-access/concept-assignment-network).
    const NOW = new Date("2026-12-05T09:00:00Z");
    const publicRanges = (count: number) => Array.from({ length: count }, (_, i) => `203.0.${Math.floor(i / 256)}.${i % 256}`);
    const plan = (allowedIpRanges: string[]) =>
        planConnection("acme", { permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }], allowedIpRanges }, NOW, "connections.acme");

    it("accepts 2000 ranges", () => {
        const ranges = publicRanges(2000);
        assert.deepEqual(plan(ranges).allowedNetworks, { ipRanges: ranges.map((r) => `${r}/32`), state: "enabled" });
    });

    it("refuses 2001, naming the list's path and the cap", () => {
        assert.deepEqual(
            issueLines(() => plan(publicRanges(2001))),
            ["connections.acme.allowedIpRanges: lists 2001 ranges; a Conditional Access named location accepts at most 2000."],
        );
    });
});

describe("url: redactUrl", () => {
    it("keeps scheme, host and path; hides the query and drops user info", () => {
        assert.equal(redactUrl("https://hooks.example/a/b"), "https://hooks.example/a/b");
        assert.equal(redactUrl("https://user:pw@hooks.example:8443/a?code=k#f"), "https://hooks.example:8443/a?<hidden>");
    });
});
