import * as assert from "node:assert/strict";
import { parseRfc3339, toRfc3339 } from "../components/time";

describe("time", () => {
    it("writes instants as RFC 3339 UTC at whole seconds", () => {
        assert.equal(toRfc3339(new Date("2026-11-28T10:11:12.999Z")), "2026-11-28T10:11:12Z");
        assert.equal(toRfc3339(new Date("2026-11-28T12:11:12+02:00")), "2026-11-28T10:11:12Z");
    });

    it("parses RFC 3339 with Z or an offset", () => {
        assert.equal(parseRfc3339("2026-11-28T10:00:00Z")?.toISOString(), "2026-11-28T10:00:00.000Z");
        assert.equal(parseRfc3339("2026-11-28T12:00:00.5+02:00")?.toISOString(), "2026-11-28T10:00:00.500Z");
    });

    for (const bad of ["2026-11-28", "2026-11-28T10:00:00", "2026-02-30T00:00:00Z", "yesterday", "2026-11-28T24:00:00Z", ""]) {
        it(`rejects ${JSON.stringify(bad)}`, () => {
            assert.equal(parseRfc3339(bad), undefined);
        });
    }
});
