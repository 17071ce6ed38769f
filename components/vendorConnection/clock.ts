import { ValidationError } from "../errors";
import { parseRfc3339 } from "../time";

// The deploy instant. A Pulumi program is evaluated once per `pulumi up`/`preview`, so one
// instant, taken the first time any connection asks, serves every connection in the run: they
// all see the same rotation windows, and a run never straddles a window boundary halfway.
//
// `pulumi preview` and the update that follows are two evaluations, seconds or minutes apart: near
// a window boundary they would disagree, and the update would do what the preview did not show.
// VENDOR_CONNECTIONS_DEPLOY_INSTANT pins both to one instant. It is an environment variable, not
// stack config: a value committed to Pulumi.<stack>.yaml would freeze every later deploy in one
// window and stop rotation, while a variable lives as long as the shell or CI job that sets it.

/** The environment variable that pins the deploy instant (RFC 3339). */
export const DEPLOY_INSTANT_VARIABLE = "VENDOR_CONNECTIONS_DEPLOY_INSTANT";

/**
 * How old a pinned instant may be. A preview and its update run within minutes; an older pin
 * would plan rotations for a time already past (an active certificate could then expire before the
 * next deploy replaces it), so it is refused rather than trusted.
 */
export const MAX_PINNED_AGE_MS = 60 * 60 * 1000;
/** How far ahead of this machine's clock a pin may be: clocks of two machines disagree a little. */
export const MAX_PINNED_SKEW_MS = 5 * 60 * 1000;

let programInstant: Date | undefined;

export function deployInstant(): Date {
    programInstant ??= pinnedInstant(process.env[DEPLOY_INSTANT_VARIABLE], new Date()) ?? new Date();
    return programInstant;
}

/**
 * Fixes the deploy instant for this process, before the program is evaluated: `npm run plan
 * --at` uses it to show what a deploy at another time would do.
 */
export function setDeployInstant(instant: Date): void {
    programInstant = instant;
}

/**
 * The instant pinned by `value` (the variable's text), checked against the real time `now`;
 * undefined when nothing is pinned. Throws a ValidationError naming the variable.
 */
export function pinnedInstant(value: string | undefined, now: Date): Date | undefined {
    if (value === undefined || value === "") {
        return undefined;
    }
    const instant = parseRfc3339(value);
    const refuse = (why: string): never => {
        throw new ValidationError([{ path: DEPLOY_INSTANT_VARIABLE, message: why }]);
    };
    if (instant === undefined) {
        return refuse(`${JSON.stringify(value)} is not an RFC 3339 instant; set it with e.g. $(date -u +%Y-%m-%dT%H:%M:%SZ) right before pulumi preview.`);
    }
    if (instant.getTime() > now.getTime() + MAX_PINNED_SKEW_MS) {
        return refuse(`${value} is in the future; a deploy cannot plan for a time that has not come (the offline plan's --at can).`);
    }
    if (now.getTime() - instant.getTime() > MAX_PINNED_AGE_MS) {
        return refuse(`${value} is more than an hour old; pin the instant again right before pulumi preview, so the update does what the preview showed, for now.`);
    }
    return instant;
}
