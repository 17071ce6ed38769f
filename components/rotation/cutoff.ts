import { ValidationError, ValidationIssue, joinPath } from "../errors";
import { parseInstant } from "../time";

/**
 * The effective revocation cutoff: the latest of those given (e.g. a connection's own and a
 * stack-wide one), undefined entries ignored. A cutoff after `now`, or an invalid Date, is an
 * error located at `path` (`connections.acme.revokeIssuedBefore`, with `[i]` when several are
 * given): revoking what has not been issued yet would revoke every deploy's fresh certificate
 * again and again. Usable on its own, so a caller can report a bad cutoff together with other
 * problems even when the policy is invalid and no schedule can be computed.
 */
export function resolveRevocationCutoff(cutoffs: readonly (Date | undefined)[], now: Date, path: string): Date | undefined {
    const nowMs = now.getTime();
    const issues: ValidationIssue[] = [];
    let latest: number | undefined;
    cutoffs.forEach((cutoff, index) => {
        if (cutoff === undefined) {
            return;
        }
        const at = cutoffs.length > 1 ? joinPath(path, index) : path;
        const ms = cutoff instanceof Date ? cutoff.getTime() : NaN;
        if (Number.isNaN(ms)) {
            issues.push({ path: at, message: `${String(cutoff)} is not a valid instant; use an RFC 3339 instant such as 2026-11-28T09:00:00Z.` });
        } else if (ms > nowMs) {
            issues.push({
                path: at,
                message:
                    `${cutoff.toISOString()} is in the future; a revocation cutoff must be at or before the deploy time ` +
                    `(${now.toISOString()}): set it to when the compromise began, once it has happened.`,
            });
        } else if (latest === undefined || ms > latest) {
            latest = ms;
        }
    });
    if (issues.length > 0) {
        throw new ValidationError(issues);
    }
    return latest === undefined ? undefined : new Date(latest);
}

/**
 * One configured cutoff as a Date: a Date as given, or RFC 3339 text. Anything else is a
 * ValidationError at `path`. Whether it lies in the future is resolveRevocationCutoff's question.
 */
export function parseRevocationCutoff(value: unknown, path: string): Date {
    const instant = parseInstant(value);
    if (instant === undefined) {
        throw new ValidationError([{ path, message: `${JSON.stringify(value)} is not an RFC 3339 instant; use e.g. 2026-11-28T09:00:00Z.` }]);
    }
    return instant;
}
