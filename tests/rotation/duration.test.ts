import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { formatDuration, parseDuration } from "../../components/rotation";
import { DAY, HOUR, assertOneIssue, validationIssues } from "./support";

const PATH = "connections.acme.certificate.lifetime";
const ALLOWED = /use an ISO 8601 duration in whole weeks, days, hours, minutes or seconds, e\.g\. P30D/;
const ALLOWED_FORM = "use an ISO 8601 duration in whole weeks, days, hours, minutes or seconds, e.g. P30D, PT12H, P1DT6H, PT90M or P2W.";

describe("rotation: durations", () => {
    const valid: [string, number][] = [
        ["P30D", 30 * DAY],
        ["PT12H", 12 * HOUR],
        ["P1DT6H", DAY + 6 * HOUR],
        ["PT90M", 90 * 60_000],
        ["P2W", 14 * DAY],
        ["P10W", 70 * DAY],
        ["P1W2D", 9 * DAY],
        ["PT1S", 1000],
        ["PT0S", 0],
        ["P1DT2H3M4S", DAY + 2 * HOUR + 3 * 60_000 + 4000],
    ];
    for (const [text, ms] of valid) {
        it(`parses ${text}`, () => {
            assert.equal(parseDuration(text, PATH), ms);
        });
    }

    // Each mistake and the whole problem the user is told (the allowed form follows it): a hint
    // names the fix for the mistakes people make, and no other mistake gets one.
    const invalid: [string, string][] = [
        ["P1M", '"P1M" uses months, which have no fixed length (for minutes write PT1M)'],
        ["P18M", '"P18M" uses months, which have no fixed length (for minutes write PT18M)'],
        ["P1Y", '"P1Y" uses years, which have no fixed length'],
        ["P10Y", '"P10Y" uses years, which have no fixed length'],
        ["P1Y2D", '"P1Y2D" uses years, which have no fixed length'],
        ["P1Y6M", '"P1Y6M" uses years, which have no fixed length'],
        ["PT1.5H", '"PT1.5H" is not an ISO 8601 duration in whole numbers (write PT90M rather than PT1.5H)'],
        ["P12H", '"P12H" is not an ISO 8601 duration (hours, minutes and seconds follow a T, as in PT12H)'],
        ["12H", '"12H" is not an ISO 8601 duration'],
        ["P30X", '"P30X" is not an ISO 8601 duration'],
        ["p30d", '"p30d" is not an ISO 8601 duration (designators are upper case, as in P30D)'],
        ["-P1D", '"-P1D" is not an ISO 8601 duration (negative durations are not allowed)'],
        ["P-1D", '"P-1D" is not an ISO 8601 duration'],
        ["P", '"P" is not an ISO 8601 duration'],
        ["PT", '"PT" is not an ISO 8601 duration'],
        ["P1DT", '"P1DT" is not an ISO 8601 duration'],
        ["30 days", '"30 days" is not an ISO 8601 duration'],
        ["", '"" is not an ISO 8601 duration'],
        ["P30D ", '"P30D " is not an ISO 8601 duration'],
        ["PT1S1M", '"PT1S1M" is not an ISO 8601 duration'],
        ["P99999999999999999D", '"P99999999999999999D" is too long to be a certificate lifetime'],
    ];
    for (const [text, problem] of invalid) {
        it(`rejects ${JSON.stringify(text)}, naming the path, the problem and the allowed form`, () => {
            assert.deepEqual(
                validationIssues(() => parseDuration(text, PATH)),
                [{ path: PATH, message: `${problem}; ${ALLOWED_FORM}` }],
            );
        });
    }

    it("rejects a value that is not a string", () => {
        assertOneIssue(() => parseDuration(30 as unknown as string, PATH), PATH, /^30 is not a duration; /, ALLOWED);
        // Shown as the user wrote it (YAML's mapping), not as "[object Object]".
        assertOneIssue(() => parseDuration({ days: 30 } as unknown as string, PATH), PATH, /^\{"days":30\} is not a duration; /, ALLOWED);
    });

    it("formats canonically: days, then hours, minutes and seconds", () => {
        assert.equal(formatDuration(2_592_000_000), "P30D");
        assert.equal(formatDuration(36 * HOUR), "P1DT12H");
        assert.equal(formatDuration(90 * 60_000), "PT1H30M");
        assert.equal(formatDuration(14 * DAY), "P14D");
        assert.equal(formatDuration(DAY + 1000), "P1DT1S");
        assert.equal(formatDuration(0), "PT0S");
    });

    it("refuses to format what is not whole seconds", () => {
        for (const bad of [1500, -1000, NaN, Infinity]) {
            assert.throws(() => formatDuration(bad), { name: "RangeError", message: `formatDuration: ${bad} is not a non-negative whole number of seconds in milliseconds.` });
        }
    });

    it("round-trips: parse(format(d)) = d for any whole-second duration", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 400 * 86_400 }), (seconds) => {
                assert.equal(parseDuration(formatDuration(seconds * 1000), PATH), seconds * 1000);
            }),
            { numRuns: 1000, seed: 3001 },
        );
    });
});
