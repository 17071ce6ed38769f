import { ValidationError, ValidationIssue, orList } from "../errors";
import { toRfc3339, truncateToSecond } from "../time";
import type { CertificateRequest } from "./engine";
import type { IssueCertificateOptions } from "./issue";
import { DEFAULT_KEY_SIZE, EARLIEST_YEAR, KEY_SIZES, KeySize, LATEST_YEAR, MAX_LIFETIME_DAYS, MAX_NAME_LENGTH } from "./limits";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Every problem with the options, each located by its option name and saying what is allowed.
 * Returns values rather than throwing so that the dynamic provider's check can report them as
 * per-property failures. Validity is judged on whole seconds, the precision the certificate
 * records.
 */
export function issueOptionIssues(options: IssueCertificateOptions): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const add = (path: string, message: string): void => {
        issues.push({ path, message });
    };

    const commonName = nameProblem(options.commonName);
    if (commonName) {
        add("commonName", commonName);
    }
    if (options.organization !== undefined) {
        const organization = nameProblem(options.organization);
        if (organization) {
            add("organization", organization);
        }
    }
    if (options.keySize !== undefined && !KEY_SIZES.includes(options.keySize as KeySize)) {
        add("keySize", `${spellValue(options.keySize)} is not allowed; use ${orList(KEY_SIZES)}.`);
    }

    const notBefore = instantProblem(options.notBefore);
    if (notBefore) {
        add("notBefore", notBefore);
    }
    const notAfter = instantProblem(options.notAfter);
    if (notAfter) {
        add("notAfter", notAfter);
    }
    if (!notBefore && !notAfter) {
        const lifetimeMs = wholeSeconds(options.notAfter) - wholeSeconds(options.notBefore);
        if (lifetimeMs <= 0) {
            add("notAfter", `${toRfc3339(options.notAfter)} is not after notBefore (${toRfc3339(options.notBefore)}); it must be later.`);
        } else if (lifetimeMs > MAX_LIFETIME_DAYS * DAY_MS) {
            const days = Number((lifetimeMs / DAY_MS).toFixed(5));
            add("notAfter", `${toRfc3339(options.notAfter)} is ${days} days after notBefore; the lifetime must be at most ${MAX_LIFETIME_DAYS} days.`);
        }
    }
    return issues;
}

/** Validates the options and resolves defaults; throws a ValidationError listing every problem. */
export function validateIssueOptions(options: IssueCertificateOptions): CertificateRequest {
    const issues = issueOptionIssues(options);
    if (issues.length > 0) {
        throw new ValidationError(issues);
    }
    return {
        commonName: options.commonName,
        ...(options.organization !== undefined ? { organization: options.organization } : {}),
        keySize: (options.keySize ?? DEFAULT_KEY_SIZE) as KeySize,
        notBefore: new Date(wholeSeconds(options.notBefore)),
        notAfter: new Date(wholeSeconds(options.notAfter)),
    };
}

function nameProblem(value: unknown): string | undefined {
    if (typeof value !== "string") {
        return `must be a string; got ${spellValue(value)}.`;
    }
    if (value.trim() === "") {
        return "must not be empty.";
    }
    if (value.length > MAX_NAME_LENGTH) {
        return `is ${value.length} characters long; at most ${MAX_NAME_LENGTH} are allowed.`;
    }
    // A lone surrogate has no UTF-8 form: the certificate would carry U+FFFD instead of what was asked.
    if (LONE_SURROGATE.test(value)) {
        return "is not well-formed Unicode (it holds a lone UTF-16 surrogate); use the text's proper characters.";
    }
    return undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function instantProblem(value: unknown): string | undefined {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
        return `must be a valid Date; got ${spellValue(value)}.`;
    }
    const year = value.getUTCFullYear();
    if (year < EARLIEST_YEAR || year > LATEST_YEAR) {
        return `${value.toISOString()} cannot be encoded in a certificate; use a year from ${EARLIEST_YEAR} to ${LATEST_YEAR}.`;
    }
    return undefined;
}

function wholeSeconds(instant: Date): number {
    return truncateToSecond(instant.getTime());
}

// Not named `describe`: the dynamic provider serializes this module's functions, and Pulumi's
// closure serializer resolved a module-scope name that is also a global (mocha's `describe`) to the
// global, which then ran instead (found by tests/certificate/resource.test.ts).
function spellValue(value: unknown): string {
    if (value instanceof Date) {
        return Number.isNaN(value.getTime()) ? "an invalid Date" : value.toISOString();
    }
    return typeof value === "number" ? String(value) : (JSON.stringify(value) ?? String(value));
}
