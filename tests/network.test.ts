import * as assert from "node:assert/strict";
import { parseIpRange } from "../components/network";

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
