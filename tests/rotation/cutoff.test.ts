import * as assert from "node:assert/strict";
import { parseRevocationCutoff, resolveRevocationCutoff } from "../../components/rotation";
import { assertOneIssue, validationIssues } from "./support";

const NOW = new Date("2026-12-05T00:00:00Z");
const PATH = "connections.acme.revokeIssuedBefore";

describe("rotation: revocation cutoff", () => {
    it("none given, or only undefined ones: no cutoff", () => {
        assert.equal(resolveRevocationCutoff([], NOW, PATH), undefined);
        assert.equal(resolveRevocationCutoff([undefined, undefined], NOW, PATH), undefined);
    });

    it("the latest applies, whatever the order", () => {
        const early = new Date("2026-11-01T00:00:00Z");
        const late = new Date("2026-12-01T00:00:00Z");
        assert.deepEqual(resolveRevocationCutoff([early, undefined, late], NOW, PATH), late);
        assert.deepEqual(resolveRevocationCutoff([late, early], NOW, PATH), late);
    });

    it("the deploy instant itself is allowed; one millisecond later is not", () => {
        assert.deepEqual(resolveRevocationCutoff([NOW], NOW, PATH), NOW);
        assertOneIssue(
            () => resolveRevocationCutoff([new Date(NOW.getTime() + 1)], NOW, PATH),
            PATH,
            /is in the future; a revocation cutoff must be at or before the deploy time \(2026-12-05T00:00:00\.000Z\)/,
        );
    });

    it("reports every bad cutoff, by index when several are given", () => {
        const issues = validationIssues(() => resolveRevocationCutoff([new Date("2027-01-01T00:00:00Z"), NOW, new Date(NaN)], NOW, PATH));
        assert.deepEqual(
            issues.map((i) => i.path),
            [`${PATH}[0]`, `${PATH}[2]`],
        );
        assert.match(issues[0].message, /in the future/);
        assert.match(issues[1].message, /is not a valid instant; use an RFC 3339 instant such as 2026-11-28T09:00:00Z\./);
    });

    it("reads a configured cutoff: a Date as given, RFC 3339 text as the instant it names, anything else refused at its path", () => {
        assert.equal(parseRevocationCutoff(NOW, PATH), NOW);
        assert.deepEqual(parseRevocationCutoff("2026-11-28T10:00:00+01:00", PATH), new Date("2026-11-28T09:00:00Z"));
        for (const [bad, shown] of [
            ["2026-11-28", '"2026-11-28"'],
            [1_764_320_400_000, "1764320400000"],
            [new Date(NaN), "null"],
        ] as const) {
            assert.deepEqual(
                validationIssues(() => parseRevocationCutoff(bad, PATH)),
                [{ path: PATH, message: `${shown} is not an RFC 3339 instant; use e.g. 2026-11-28T09:00:00Z.` }],
            );
        }
    });
});
