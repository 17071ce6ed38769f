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

/** The issues of the ValidationError `action` throws, as "path: message" lines. */
export function issueLines(action: () => unknown): string[] {
    return validationIssues(action).map((issue) => `${issue.path}: ${issue.message}`);
}
