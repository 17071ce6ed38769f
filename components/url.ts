import { IssueCollector } from "./errors";

/**
 * Checks that `value` is an absolute https URL, adding an issue at `path` otherwise; `why` says
 * what plain http would expose, so the message explains the rule, and `example` shows a good value. Returns the URL as given, or
 * undefined when it is not acceptable.
 */
export function checkHttpsUrl(value: unknown, path: string, issues: IssueCollector, why: string, example: string): string | undefined {
    let url: URL | undefined;
    try {
        url = typeof value === "string" ? new URL(value) : undefined;
    } catch {
        url = undefined;
    }
    if (url === undefined || url.protocol !== "https:" || url.hostname === "") {
        issues.add(path, `${describe(value)} is not an https URL; ${why} Use e.g. ${example}.`);
        return undefined;
    }
    return value as string;
}

/**
 * An https URL as it may be shown in plans and logs: scheme, host and path; the query becomes
 * `?<hidden>` and user info is dropped, because webhook endpoints often carry an access key there
 * (e.g. Azure Functions' `?code=`).
 */
export function redactUrl(value: string): string {
    const url = new URL(value);
    return `${url.protocol}//${url.host}${url.pathname}${url.search ? "?<hidden>" : ""}`;
}

// A rejected URL may still carry a key: echo at most its scheme, host and path.
function describe(value: unknown): string {
    if (typeof value !== "string") {
        return JSON.stringify(value) ?? String(value);
    }
    try {
        return JSON.stringify(redactUrl(value));
    } catch {
        return /[?#@]/.test(value) ? "the value given" : JSON.stringify(value);
    }
}
