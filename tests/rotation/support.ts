import * as assert from "node:assert/strict";
import { ValidationError, ValidationIssue } from "../../components/errors";

/** Runs `action`, expects a ValidationError, and returns its issues for exact assertions. */
export function validationIssues(action: () => unknown): readonly ValidationIssue[] {
    try {
        action();
    } catch (err) {
        assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
        return err.issues;
    }
    assert.fail("expected a ValidationError, but nothing was thrown");
}

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
