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

    // "+002026-..." is ISO 8601's expanded year, which Date accepts and RFC 3339 does not; an offset
    // of +24:00 fits the pattern but is no offset at all (Date makes it an invalid Date).
    for (const bad of [
        "2026-11-28",
        "2026-11-28T10:00:00",
        "2026-02-30T00:00:00Z",
        "yesterday",
        "2026-11-28T24:00:00Z",
        "",
        "+002026-11-28T10:00:00Z",
        "2026-11-28T10:00:00+24:00",
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
