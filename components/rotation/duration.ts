import { ValidationError } from "../errors";

// Durations as Entra ID and Key Vault write them: ISO 8601 (`P30D`, `PT12H`, `P1DT6H`, `P2W`).
// Years and months are refused because their length depends on the calendar (a "P1M" lifetime
// would be 28 to 31 days depending on when it started), and rotation windows must have one fixed
// length so that every deploy computes the same windows. Components are whole numbers because
// certificates, key credentials and vault attributes all count whole seconds.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

// Designators in the order ISO 8601 requires. Weeks may be combined with the others, as ISO
// 8601-2 and JavaScript's Temporal allow; the meaning is unambiguous.
const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

const ALLOWED_FORM = "use an ISO 8601 duration in whole weeks, days, hours, minutes or seconds, e.g. P30D, PT12H, P1DT6H, PT90M or P2W.";

/**
 * Parses an ISO 8601 duration into milliseconds (always a whole number of seconds). Throws a
 * ValidationError located at `path` that says what is wrong and what form is allowed.
 */
export function parseDuration(text: string, path: string): number {
    const fail = (problem: string): never => {
        throw new ValidationError([{ path, message: `${problem}; ${ALLOWED_FORM}` }]);
    };
    if (typeof text !== "string") {
        return fail(`${JSON.stringify(text) ?? String(text)} is not a duration`);
    }
    const shown = JSON.stringify(text);
    const match = DURATION.exec(text);
    // "P" and "P1DT" match the pattern's optional groups but name no component at all.
    if (!match || text === "P" || text.endsWith("T")) {
        return fail(`${shown} is not an ISO 8601 duration${hint(text)}`);
    }
    const [, years, months, weeks, days, hours, minutes, seconds] = match;
    if (years !== undefined || months !== undefined) {
        // `P30M` is thirty months; a user who wrote it almost certainly meant minutes.
        const minutesHint = months !== undefined && years === undefined ? ` (for minutes write PT${months}M)` : "";
        return fail(`${shown} uses ${years !== undefined ? "years" : "months"}, which have no fixed length${minutesHint}`);
    }
    const ms = whole(weeks) * WEEK + whole(days) * DAY + whole(hours) * HOUR + whole(minutes) * MINUTE + whole(seconds) * SECOND;
    if (!Number.isSafeInteger(ms)) {
        return fail(`${shown} is too long to be a certificate lifetime`);
    }
    return ms;
}

/**
 * The canonical spelling of a duration of whole seconds: days, then hours, minutes and seconds,
 * largest first and zero parts left out (`P30D`, `P1DT12H`, `PT1H30M`; zero is `PT0S`). One
 * spelling per length, so that equal policies give equal plans and resource inputs.
 */
export function formatDuration(ms: number): string {
    if (!Number.isSafeInteger(ms) || ms < 0 || ms % SECOND !== 0) {
        throw new RangeError(`formatDuration: ${ms} is not a non-negative whole number of seconds in milliseconds.`);
    }
    const days = Math.floor(ms / DAY);
    const hours = Math.floor((ms % DAY) / HOUR);
    const minutes = Math.floor((ms % HOUR) / MINUTE);
    const seconds = Math.floor((ms % MINUTE) / SECOND);
    const date = days > 0 ? `${days}D` : "";
    const time = (hours > 0 ? `${hours}H` : "") + (minutes > 0 ? `${minutes}M` : "") + (seconds > 0 ? `${seconds}S` : "");
    if (date === "" && time === "") {
        return "PT0S";
    }
    return `P${date}${time ? `T${time}` : ""}`;
}

function whole(digits: string | undefined): number {
    return digits === undefined ? 0 : Number(digits);
}

// The mistakes people actually make, named so the fix is obvious.
function hint(text: string): string {
    if (/^-/.test(text)) {
        return " (negative durations are not allowed)";
    }
    if (/[.,]/.test(text)) {
        return " in whole numbers (write PT90M rather than PT1.5H)";
    }
    if (text.startsWith("P") && !text.includes("T") && /\d+[HS]/.test(text)) {
        return " (hours, minutes and seconds follow a T, as in PT12H)";
    }
    if (/[a-z]/.test(text) && DURATION.test(text.toUpperCase())) {
        return " (designators are upper case, as in P30D)";
    }
    return "";
}
