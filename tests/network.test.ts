import * as assert from "node:assert/strict";
import { IssueCollector } from "../components/errors";
import { IpRangeRules, checkIpRanges, containsRange, overlapsPrivateRange, parseIpRange } from "../components/network";

describe("network: parseIpRange", () => {
    const valid: [string, string, 4 | 6][] = [
        ["203.0.113.0/24", "203.0.113.0/24", 4],
        ["203.0.113.7", "203.0.113.7/32", 4],
        ["0.0.0.0/0", "0.0.0.0/0", 4],
        ["2001:DB8::/32", "2001:db8::/32", 6],
        ["2001:db8::1", "2001:db8::1/128", 6],
        ["::ffff:192.0.2.0/120", "::ffff:192.0.2.0/120", 6],
    ];
    for (const [text, cidr, version] of valid) {
        it(`accepts ${text}`, () => {
            assert.deepEqual(parseIpRange(text), { cidr, version });
        });
    }

    const invalid = [
        "",
        "203.0.113.0/33",
        "203.0.113.7/24",
        "203.0.113/24",
        "300.0.0.0/8",
        "10.0.0.0/",
        "10.0.0.0/8/8",
        "2001:db8::1/64",
        "example.com",
        "10.0.0.0/-1",
        "10.0.0.0/ 8",
    ];
    for (const text of invalid) {
        it(`rejects ${JSON.stringify(text)}`, () => {
            assert.equal(parseIpRange(text), undefined);
        });
    }
});

describe("network: the bits parseIpRange and containsRange read", () => {
    // Host bits beyond the prefix are refused; these pin where each form of address puts its bits.
    const accepted = [
        [" 203.0.113.7 ", "203.0.113.7/32"],
        ["fe80::/10", "fe80::/10"],
        ["2001:db8::100/120", "2001:db8::100/120"],
        ["::ffff:192.0.2.128/121", "::ffff:192.0.2.128/121"],
        ["0:0:0:0:0:ffff:192.0.2.0/120", "0:0:0:0:0:ffff:192.0.2.0/120"],
        ["2001:db8:0:0:0:0:0:0/64", "2001:db8:0:0:0:0:0:0/64"],
    ];
    for (const [text, cidr] of accepted) {
        it(`accepts ${JSON.stringify(text)} as ${cidr}`, () => {
            assert.equal(parseIpRange(text)?.cidr, cidr);
        });
    }
    for (const text of ["::ffff:192.0.2.1/120", "0:0:0:0:0:ffff:192.0.2.1/120", "2001:db8:0:0:0:0:0:1/64", "2001:db8::1:0/96", "0.0.0.0/8x"]) {
        it(`rejects ${JSON.stringify(text)}`, () => {
            assert.equal(parseIpRange(text), undefined);
        });
    }

    it("containsRange: every address of the inner range lies in the outer one, of the same IP version", () => {
        const range = (text: string) => parseIpRange(text)!;
        const contains = (outer: string, inner: string) => containsRange(range(outer), range(inner));
        assert.equal(contains("203.0.113.0/24", "203.0.113.0/24"), true);
        assert.equal(contains("203.0.113.0/24", "203.0.113.128/25"), true);
        assert.equal(contains("203.0.113.0/24", "203.0.113.7"), true);
        assert.equal(contains("203.0.113.128/25", "203.0.113.0/24"), false, "wider than the outer range");
        assert.equal(contains("203.0.113.0/24", "203.0.114.0/24"), false, "next to it");
        assert.equal(contains("203.0.113.7", "203.0.113.8"), false, "two single addresses");
        assert.equal(contains("2001:db8::/48", "2001:db8:0:1::/64"), true);
        assert.equal(contains("2001:db8::/48", "2001:db8:1::/64"), false);
        assert.equal(contains("0.0.0.0/0", "::/0"), false, "IPv4 never contains IPv6");
        assert.equal(contains("::/0", "0.0.0.0/0"), false, "nor IPv6 IPv4");
    });

    it("private address space is judged within the range's own IP version", () => {
        // 252.0.0.0/8 shares its first bits with fc00::/7, and a00::/8 with 10.0.0.0/8.
        assert.equal(overlapsPrivateRange(parseIpRange("252.0.0.0/8")!), false);
        assert.equal(overlapsPrivateRange(parseIpRange("a00::/8")!), false);
    });
});

describe("network: checkIpRanges, the messages a list's entries get", () => {
    const lines = (entries: readonly unknown[], rules: Partial<IpRangeRules>) => {
        const issues = new IssueCollector();
        const ranges = checkIpRanges(entries, "x.ranges", issues, { service: "the firewall", ipv6: false, whenEmpty: "which denies everything.", ...rules });
        return { ranges, issues: issues.issues.map((i) => `${i.path}: ${i.message}`) };
    };

    it("an empty list says what it would do", () => {
        assert.deepEqual(lines([], {}).issues, ["x.ranges: is empty, which denies everything."]);
    });

    it("what is no range gets the example of the ranges the service takes", () => {
        assert.deepEqual(lines(["example.com", 42, "203.0.113.0/24"], {}), {
            ranges: ["example.com", "42", "203.0.113.0/24"],
            issues: [
                'x.ranges[0]: "example.com" is not an IPv4 address or CIDR range; use e.g. 203.0.113.0/24.',
                "x.ranges[1]: 42 is not an IPv4 address or CIDR range; use e.g. 203.0.113.0/24.",
            ],
        });
        assert.deepEqual(lines(["example.com"], { ipv6: true }).issues, [
            'x.ranges[0]: "example.com" is not an IP address or CIDR range; use e.g. 203.0.113.0/24 or 2001:db8::/48.',
        ]);
    });

    it("a range wider than the service's bound is refused with the library's reason when it has one; the bound itself is accepted", () => {
        assert.deepEqual(lines(["0.0.0.0/0", "9.0.0.0/8"], { minPrefix: 8, minPrefixReason: "it would admit the internet." }).issues, [
            "x.ranges[0]: 0.0.0.0/0 is too wide; use prefixes of /8 or longer: it would admit the internet.",
        ]);
        assert.deepEqual(lines(["0.0.0.0/0"], {}).issues, [], "no bound, no refusal");
    });

    it("private address space is refused only where the service sees public addresses alone", () => {
        assert.deepEqual(lines(["10.0.0.0/8"], { publicOnly: true }).issues, [
            "x.ranges[0]: 10.0.0.0/8 is private address space; the firewall sees only public source addresses, so list the public ranges the traffic leaves from.",
        ]);
        assert.deepEqual(lines(["10.0.0.0/8"], {}).issues, []);
    });
});
