/**
 * One problem found in user input, located by the path a user would write in config or code,
 * e.g. `connections.acme.certificate.keySize`.
 */
export interface ValidationIssue {
    readonly path: string;
    readonly message: string;
}

/**
 * Raised for bad input. Carries every issue found, not just the first, so that a user fixes their
 * configuration in one pass; the message lists them one per line as `path: message`.
 */
export class ValidationError extends Error {
    constructor(readonly issues: readonly ValidationIssue[]) {
        super(issues.map(formatIssue).join("\n"));
        this.name = "ValidationError";
    }
}

export function formatIssue(issue: ValidationIssue): string {
    return `${issue.path}: ${issue.message}`;
}

/** Collects issues while validating a structure, then throws them all at once. */
export class IssueCollector {
    private readonly found: ValidationIssue[] = [];

    add(path: string, message: string): void {
        this.found.push({ path, message });
    }

    /** Runs `check`, collecting a ValidationError's issues instead of letting it escape. */
    collect<T>(check: () => T): T | undefined {
        try {
            return check();
        } catch (err) {
            if (err instanceof ValidationError) {
                this.found.push(...err.issues);
                return undefined;
            }
            throw err;
        }
    }

    get issues(): readonly ValidationIssue[] {
        return this.found;
    }

    throwIfAny(): void {
        if (this.found.length > 0) {
            throw new ValidationError(this.found);
        }
    }
}

/** Joins path segments the way users write them: `connections.acme.permissions[0].api`. */
export function joinPath(base: string, segment: string | number): string {
    if (typeof segment === "number") {
        return `${base}[${segment}]`;
    }
    return base ? `${base}.${segment}` : segment;
}

/** `2048, 3072 or 4096`: how a message lists the values a user may choose from. */
export function orList(items: readonly (string | number)[]): string {
    const spelled = items.map(String);
    return spelled.length < 2 ? spelled.join("") : `${spelled.slice(0, -1).join(", ")} or ${spelled[spelled.length - 1]}`;
}
