// Instants as this library writes and reads them. Certificates (X.509 UTCTime/GeneralizedTime),
// Entra key credentials and Key Vault attributes all work at whole seconds, so every instant the
// library produces is truncated to the second and written as RFC 3339 in UTC with a `Z`: one
// spelling per instant, so that equal instants give equal resource inputs (no spurious diffs).

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** `2026-11-28T10:00:00Z`: the instant truncated to the whole second, in UTC. */
export function toRfc3339(instant: Date): string {
    return new Date(truncateToSecond(instant.getTime())).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Rounds milliseconds down (toward -Infinity) to a whole second: an epoch instant or a duration. */
export function truncateToSecond(epochMs: number): number {
    return Math.floor(epochMs / 1000) * 1000;
}

/**
 * Parses a strict RFC 3339 date-time (a date alone, or a time without an offset, is ambiguous
 * and rejected). Returns undefined for anything else so callers can phrase the error with
 * their own path. The instant is computed from its fields, each checked against RFC 3339's ranges
 * here, rather than handed to the engine's Date parser, whose leniency is its own (it rolls
 * 2026-02-30 over to March).
 */
export function parseRfc3339(text: string): Date | undefined {
    const match = RFC3339.exec(text);
    if (!match) {
        return undefined;
    }
    const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
    // `Z` is the offset +00:00.
    const [offsetHours, offsetMinutes] = [Number(match[9] ?? 0), Number(match[10] ?? 0)];
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) {
        return undefined;
    }
    const offset = (match[8] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
    const fraction = match[7] === undefined ? 0 : Math.floor(Number(`0${match[7]}`) * 1000);
    return new Date(utc(year, month, day).setUTCHours(hour, minute, second, fraction) - offset * 60_000);
}

/** Midnight UTC of a calendar date, any year from 0000 (Date.UTC would read 0-99 as 1900-1999). */
function utc(year: number, month: number, day: number): Date {
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    return date;
}

/**
 * An instant as users may give it: a Date (returned as is) or strict RFC 3339 text. Undefined for
 * anything else, an invalid Date included, so callers can phrase the error with their own path.
 */
export function parseInstant(value: unknown): Date | undefined {
    const instant = value instanceof Date ? value : typeof value === "string" ? parseRfc3339(value) : undefined;
    return instant === undefined || Number.isNaN(instant.getTime()) ? undefined : instant;
}

function daysInMonth(year: number, month: number): number {
    return utc(year, month + 1, 0).getUTCDate();
}
