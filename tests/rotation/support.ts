import * as assert from "node:assert/strict";
import { validationIssues } from "../support/validation";

export { validationIssues };

/** Expects exactly one issue, at `path`, whose message matches every pattern. */
export function assertOneIssue(action: () => unknown, path: string, ...patterns: RegExp[]): void {
    const issues = validationIssues(action);
    assert.equal(issues.length, 1, JSON.stringify(issues));
    assert.equal(issues[0].path, path);
    for (const pattern of patterns) {
        assert.match(issues[0].message, pattern);
    }
}

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;
