import { IssueCollector, joinPath, orList } from "../errors";
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

/**
 * Checks a certificate policy and applies its defaults. `path` locates the policy in the user's
 * terms (`connections.acme.certificate`). Every problem is collected and thrown at once as one
 * ValidationError, each naming its field and the allowed range.
 */
export function resolveCertificatePolicy(input: CertificatePolicyInput | undefined, path: string): CertificatePolicy {
    const issues = new IssueCollector();
    const at = (key: string) => joinPath(path, key);

    if (input !== undefined && (input === null || typeof input !== "object" || Array.isArray(input))) {
        issues.add(path, `${JSON.stringify(input)} is not a certificate policy; use a mapping with keys ${POLICY_KEYS.join(", ")}.`);
        issues.throwIfAny();
    }
    const given: CertificatePolicyInput = input ?? {};

    const unknown = Object.keys(given).filter((key) => !(POLICY_KEYS as readonly string[]).includes(key));
    if (unknown.length > 0) {
        issues.add(path, `unknown key${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => JSON.stringify(k)).join(", ")}; ` + `allowed keys: ${POLICY_KEYS.join(", ")}.`);
    }

    const lifetimeRange = `use a duration between ${formatDuration(MIN_LIFETIME_MS)} and ${formatDuration(MAX_LIFETIME_MS)}.`;
    const lifetimeMs = given.lifetime === undefined ? DEFAULT_LIFETIME_MS : issues.collect(() => parseDuration(given.lifetime as string, at("lifetime")));
    if (lifetimeMs !== undefined && given.lifetime !== undefined) {
        if (lifetimeMs < MIN_LIFETIME_MS) {
            issues.add(at("lifetime"), `${given.lifetime} is less than ${formatDuration(MIN_LIFETIME_MS)}; ${lifetimeRange}`);
        } else if (lifetimeMs > MAX_LIFETIME_MS) {
            // 397 days: the CA/Browser Forum ceiling the certificate engine enforces too.
            issues.add(at("lifetime"), `${given.lifetime} is more than ${formatDuration(MAX_LIFETIME_MS)}; ${lifetimeRange}`);
        }
    }

    // Half the lifetime at most: a certificate then still has its successor's whole overlap ahead
    // when the next window opens, which is what lets the two slots alternate (see schedule.ts).
    const maxRenewBeforeMs = lifetimeMs === undefined ? undefined : truncateToSecond(lifetimeMs / 2);
    const renewRange =
        maxRenewBeforeMs === undefined
            ? "use a duration of at least PT1S and at most half of lifetime."
            : `use a duration between PT1S and ${formatDuration(Math.max(maxRenewBeforeMs, SECOND))}.`;
    let renewBeforeMs: number | undefined;
    if (given.renewBefore === undefined) {
        renewBeforeMs = lifetimeMs === undefined ? undefined : truncateToSecond(lifetimeMs / 3);
    } else {
        renewBeforeMs = issues.collect(() => parseDuration(given.renewBefore as string, at("renewBefore")));
        if (renewBeforeMs !== undefined) {
            if (renewBeforeMs <= 0) {
                issues.add(at("renewBefore"), `${given.renewBefore} is not more than zero: without an overlap a rotation cuts the vendor off; ${renewRange}`);
            } else if (maxRenewBeforeMs !== undefined && lifetimeMs !== undefined && renewBeforeMs > maxRenewBeforeMs) {
                issues.add(at("renewBefore"), `${given.renewBefore} is more than half of lifetime ${formatDuration(lifetimeMs)}; ${renewRange}`);
            }
        }
    }

    const keySize = given.keySize ?? DEFAULT_KEY_SIZE;
    if (!(KEY_SIZES as readonly unknown[]).includes(keySize)) {
        issues.add(at("keySize"), `${JSON.stringify(given.keySize)} is not allowed; use ${orList(KEY_SIZES)}.`);
    }

    issues.throwIfAny();
    // No issues means both durations parsed.
    return {
        lifetime: formatDuration(lifetimeMs as number),
        renewBefore: formatDuration(renewBeforeMs as number),
        lifetimeMs: lifetimeMs as number,
        renewBeforeMs: renewBeforeMs as number,
        keySize: keySize as KeySize,
    };
}
