import * as assert from "node:assert/strict";
import { parseInstant, parseRfc3339, toRfc3339 } from "../components/time";

describe("time", () => {
    it("writes instants as RFC 3339 UTC at whole seconds", () => {
        assert.equal(toRfc3339(new Date("2026-11-28T10:11:12.999Z")), "2026-11-28T10:11:12Z");
        assert.equal(toRfc3339(new Date("2026-11-28T12:11:12+02:00")), "2026-11-28T10:11:12Z");
    });

    it("parses RFC 3339 with Z or an offset", () => {
        assert.equal(parseRfc3339("2026-11-28T10:00:00Z")?.toISOString(), "2026-11-28T10:00:00.000Z");
        assert.equal(parseRfc3339("2026-11-28T12:00:00.5+02:00")?.toISOString(), "2026-11-28T10:00:00.500Z");
    });

    it("computes the instant from its fields, in every year and offset RFC 3339 allows", () => {
        assert.equal(parseRfc3339("2026-12-31T23:59:59-00:59")?.toISOString(), "2027-01-01T00:58:59.000Z");
        assert.equal(parseRfc3339("2026-12-01T03:30:00-05:30")?.toISOString(), "2026-12-01T09:00:00.000Z");
        assert.equal(parseRfc3339("2026-12-01T23:59:00+23:59")?.toISOString(), "2026-12-01T00:00:00.000Z");
        // Years 0-99 are themselves, not 1900-1999; leap days by the Gregorian rule.
        assert.equal(parseRfc3339("0099-01-01T00:00:00Z")?.toISOString(), "0099-01-01T00:00:00.000Z");
        assert.equal(parseRfc3339("0004-02-29T00:00:00Z")?.toISOString(), "0004-02-29T00:00:00.000Z");
        assert.equal(parseRfc3339("2024-02-29T00:00:00z")?.toISOString(), "2024-02-29T00:00:00.000Z");
        // Fractions beyond milliseconds are cut, never rounded up into the next second.
        assert.equal(parseRfc3339("2026-11-28T10:00:00.9999Z")?.toISOString(), "2026-11-28T10:00:00.999Z");
    });

    // "+002026-..." is ISO 8601's expanded year, which Date accepts and RFC 3339 does not; an offset
    // of +24:00 fits the pattern but is no offset at all. Each field is checked against its range.
    for (const bad of [
        "2026-11-28",
        "2026-11-28T10:00:00",
        "2026-02-30T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2026-00-10T00:00:00Z",
        "2026-13-10T00:00:00Z",
        "2026-11-00T00:00:00Z",
        "2026-11-31T00:00:00Z",
        "yesterday",
        "2026-11-28T24:00:00Z",
        "2026-11-28T10:60:00Z",
        "2026-11-28T10:00:60Z",
        "",
        "+002026-11-28T10:00:00Z",
        "2026-11-28T10:00:00+24:00",
        "2026-11-28T10:00:00+01:60",
        "2026-11-28T10:00:00Zjunk",
    ]) {
        it(`rejects ${JSON.stringify(bad)}`, () => {
            assert.equal(parseRfc3339(bad), undefined);
        });
    }

    it("reads an instant as users give it: a Date as is, or RFC 3339 text; anything else, an invalid Date included, is no instant", () => {
        const date = new Date("2026-11-28T10:00:00Z");
        assert.equal(parseInstant(date), date);
        assert.equal(parseInstant("2026-11-28T12:00:00+02:00")?.toISOString(), "2026-11-28T10:00:00.000Z");
        for (const bad of [new Date(NaN), "2026-11-28", 1_764_324_000_000, undefined, null, { toString: () => "2026-11-28T10:00:00Z" }]) {
            assert.equal(parseInstant(bad), undefined, String(bad));
        }
    });
});
