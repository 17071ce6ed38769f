import type { ValidationIssue } from "../errors";
import { parseRfc3339 } from "../time";
import type { CertificateRequest } from "./engine";
import { DEFAULT_KEY_SIZE, KeySize } from "./limits";
import { issueOptionIssues } from "./validate";

/**
 * The Certificate resource's inputs as its provider receives them. Validity is two explicit
 * instants rather than a lifetime: see the decision recorded in resource.ts.
 */
export interface CertificateInputs {
    commonName: string;
    organization?: string;
    keySize?: number;
    notBefore: string;
    notAfter: string;
    identity: string;
}

/** The input names, in the order diffs and failures report them. */
export const INPUT_NAMES = ["commonName", "organization", "keySize", "notBefore", "notAfter", "identity"] as const;

/**
 * How the Pulumi engine spells a value it does not know yet, during preview
 * (@pulumi/pulumi/runtime/rpc `unknownValue`). Such inputs cannot be judged until they are known.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One spelling per instant (components/time.ts), so that equal instants give equal inputs. */
const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * Every problem with the inputs, located by input name; inputs that are unknown are skipped.
 * Dates must be canonical RFC 3339 (`2026-01-01T00:00:00Z`): a second spelling of the same instant
 * would differ textually from the certificate's notBefore/notAfter and so diff forever.
 */
export function certificateInputIssues(inputs: Record<string, unknown>): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const unknown = new Set<string>(INPUT_NAMES.filter((key) => inputs[key] === UNKNOWN));

    const identity = inputs.identity;
    if (!unknown.has("identity") && (typeof identity !== "string" || identity.trim() === "")) {
        issues.push({ path: "identity", message: `must be a non-empty string; got ${JSON.stringify(identity) ?? "nothing"}.` });
    }
    const skip = new Set(unknown);
    for (const key of ["notBefore", "notAfter"] as const) {
        if (!unknown.has(key) && parseInstant(inputs[key]) === undefined) {
            issues.push({
                path: key,
                message: `must be an RFC 3339 instant in UTC at whole seconds, like 2026-01-01T00:00:00Z; got ${JSON.stringify(inputs[key]) ?? "nothing"}.`,
            });
            skip.add(key);
        }
    }
    // Stand-ins for dates that are unknown or already reported, chosen so that nothing is said
    // about them or between them; what is said about them is filtered out below anyway.
    const notBefore = parseInstant(inputs.notBefore);
    const notAfter = parseInstant(inputs.notAfter);
    const start = notBefore ?? (notAfter ? new Date(notAfter.getTime() - 1000) : new Date(Date.UTC(2000, 0, 1)));
    const end = notAfter ?? new Date(start.getTime() + 1000);
    const optionIssues = issueOptionIssues({
        commonName: inputs.commonName as string,
        organization: inputs.organization as string | undefined,
        keySize: inputs.keySize as number | undefined,
        notBefore: start,
        notAfter: end,
    });
    issues.push(...optionIssues.filter((issue) => !skip.has(issue.path)));
    return issues.sort((a, b) => order(a.path) - order(b.path));
}

/** The engine's request for inputs that certificateInputIssues accepted. */
export function toCertificateRequest(inputs: CertificateInputs): CertificateRequest {
    return {
        commonName: inputs.commonName,
        ...(inputs.organization !== undefined ? { organization: inputs.organization } : {}),
        keySize: effectiveKeySize(inputs.keySize) as KeySize,
        notBefore: parseInstant(inputs.notBefore) as Date,
        notAfter: parseInstant(inputs.notAfter) as Date,
    };
}

/** An omitted keySize means the default, so that spelling the default out changes nothing. */
export function effectiveKeySize(keySize: unknown): unknown {
    return keySize === undefined || keySize === null ? DEFAULT_KEY_SIZE : keySize;
}

function parseInstant(value: unknown): Date | undefined {
    return typeof value === "string" && CANONICAL_INSTANT.test(value) ? parseRfc3339(value) : undefined;
}

function order(path: string): number {
    return (INPUT_NAMES as readonly string[]).indexOf(path);
}
