import { IssueCollector, ValidationError, joinPath, orList } from "../errors";
import { DEFAULT_KEY_SIZE, KEY_SIZES, KeySize, MAX_LIFETIME_DAYS } from "../certificate/limits";
import { truncateToSecond } from "../time";
import { formatDuration, parseDuration } from "./duration";

/** A connection's certificate policy as a user writes it (stack config or component args). */
export interface CertificatePolicyInput {
    /** ISO 8601 duration each certificate is valid for, PT1H to P397D. Default: P30D. */
    lifetime?: string;
    /**
     * ISO 8601 duration before a certificate expires at which its successor is issued: the overlap
     * during which both are registered. More than zero and at most half the lifetime.
     * Default: a third of the lifetime.
     */
    renewBefore?: string;
    /** RSA key size: 2048 (default), 3072 or 4096. */
    keySize?: number;
}

/** A checked policy with its defaults applied; durations in canonical spelling and in milliseconds. */
export interface CertificatePolicy {
    readonly lifetime: string;
    readonly renewBefore: string;
    readonly lifetimeMs: number;
    readonly renewBeforeMs: number;
    readonly keySize: KeySize;
}

const SECOND = 1000;
const MIN_LIFETIME_MS = 3600 * SECOND;
const MAX_LIFETIME_MS = MAX_LIFETIME_DAYS * 24 * 3600 * SECOND;
const DEFAULT_LIFETIME_MS = 30 * 24 * 3600 * SECOND;
const POLICY_KEYS: readonly (keyof CertificatePolicyInput)[] = ["lifetime", "renewBefore", "keySize"];
const LIFETIME_RANGE = `use a duration between ${formatDuration(MIN_LIFETIME_MS)} and ${formatDuration(MAX_LIFETIME_MS)}.`;

/**
 * Checks a certificate policy and applies its defaults. `path` locates the policy in the user's
 * terms (`connections.acme.certificate`). Every problem is collected and thrown at once as one
 * ValidationError, each naming its field and the allowed range.
 */
export function resolveCertificatePolicy(input: CertificatePolicyInput | undefined, path: string): CertificatePolicy {
    const issues = new IssueCollector();
    const at = (key: string) => joinPath(path, key);
    const given = policyMapping(input, path);
    checkKeys(given, path, issues);

    // The default lifetime is in range; only a given one is checked.
    const lifetimeMs = given.lifetime === undefined ? DEFAULT_LIFETIME_MS : checkedDuration(given.lifetime, at("lifetime"), issues, lifetimeProblem);
    const givenRenewBeforeMs =
        given.renewBefore === undefined ? undefined : checkedDuration(given.renewBefore, at("renewBefore"), issues, (ms, text) => renewBeforeProblem(ms, text, lifetimeMs));
    const keySize = checkedKeySize(given.keySize, at("keySize"), issues);

    issues.throwIfAny();
    // No issues means lifetime parsed, and renewBefore too when it was given.
    const lifetime = lifetimeMs as number;
    const renewBeforeMs = givenRenewBeforeMs ?? truncateToSecond(lifetime / 3);
    return {
        lifetime: formatDuration(lifetime),
        renewBefore: formatDuration(renewBeforeMs),
        lifetimeMs: lifetime,
        renewBeforeMs,
        keySize: keySize as KeySize,
    };
}

/** The policy as a mapping (none given is the empty one); anything else is refused on its own, as nothing in it can be read. */
function policyMapping(input: CertificatePolicyInput | undefined, path: string): CertificatePolicyInput {
    if (input !== undefined && (input === null || typeof input !== "object" || Array.isArray(input))) {
        throw new ValidationError([{ path, message: `${JSON.stringify(input)} is not a certificate policy; use a mapping with keys ${POLICY_KEYS.join(", ")}.` }]);
    }
    return input ?? {};
}

/** Records keys that are no policy setting: a misspelt key would otherwise leave its setting at the default, unnoticed. */
function checkKeys(given: CertificatePolicyInput, path: string, issues: IssueCollector): void {
    const unknown = Object.keys(given).filter((key) => !(POLICY_KEYS as readonly string[]).includes(key));
    if (unknown.length > 0) {
        issues.add(path, `unknown key${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => JSON.stringify(k)).join(", ")}; ` + `allowed keys: ${POLICY_KEYS.join(", ")}.`);
    }
}

/**
 * The duration `text` at `path` in milliseconds, or undefined when it does not parse (the parser's
 * issue is recorded). What `problem` finds wrong with a parsed duration is recorded too, and the
 * duration still returned: renewBefore is checked against a lifetime out of range, so that one pass
 * reports both.
 */
function checkedDuration(text: string, path: string, issues: IssueCollector, problem: (ms: number, text: string) => string | undefined): number | undefined {
    return issues.collect(() => {
        const ms = parseDuration(text, path);
        const found = problem(ms, text);
        if (found !== undefined) {
            issues.add(path, found);
        }
        return ms;
    });
}

/** What is wrong with a lifetime of `ms`, written `text`; undefined when it is in range. */
function lifetimeProblem(ms: number, text: string): string | undefined {
    if (ms < MIN_LIFETIME_MS) {
        return `${text} is less than ${formatDuration(MIN_LIFETIME_MS)}; ${LIFETIME_RANGE}`;
    }
    if (ms > MAX_LIFETIME_MS) {
        // 397 days: the CA/Browser Forum ceiling the certificate engine enforces too.
        return `${text} is more than ${formatDuration(MAX_LIFETIME_MS)}; ${LIFETIME_RANGE}`;
    }
    return undefined;
}

/**
 * What is wrong with a renewBefore of `ms`, written `text`, for a lifetime of `lifetimeMs`;
 * undefined when it is in range. A lifetime that did not parse (undefined) is an issue of its own:
 * with nothing to halve, only the lower bound is checked and the range is stated in words.
 */
function renewBeforeProblem(ms: number, text: string, lifetimeMs: number | undefined): string | undefined {
    if (lifetimeMs === undefined) {
        return notMoreThanZero(ms, text, "use a duration of at least PT1S and at most half of lifetime.");
    }
    // Half the lifetime at most: a certificate then still has its successor's whole overlap ahead
    // when the next window opens, which is what lets the two slots alternate (see schedule.ts).
    const maxMs = truncateToSecond(lifetimeMs / 2);
    const range = `use a duration between PT1S and ${formatDuration(Math.max(maxMs, SECOND))}.`;
    // Durations are never negative, so one more than half is more than zero: the two refusals never meet.
    if (ms > maxMs) {
        return `${text} is more than half of lifetime ${formatDuration(lifetimeMs)}; ${range}`;
    }
    return notMoreThanZero(ms, text, range);
}

/** The refusal of a renewBefore of zero (durations are never negative), or undefined for a longer one. */
function notMoreThanZero(ms: number, text: string, range: string): string | undefined {
    return ms > 0 ? undefined : `${text} is not more than zero: without an overlap a rotation cuts the vendor off; ${range}`;
}

/** The key size, the default when none is given; undefined, with the issue recorded, when it is not one we issue. */
function checkedKeySize(keySize: number | undefined, path: string, issues: IssueCollector): KeySize | undefined {
    const size = keySize ?? DEFAULT_KEY_SIZE;
    if ((KEY_SIZES as readonly unknown[]).includes(size)) {
        return size as KeySize;
    }
    issues.add(path, `${JSON.stringify(keySize)} is not allowed; use ${orList(KEY_SIZES)}.`);
    return undefined;
}
