// The deploy instant. A Pulumi program is evaluated once per `pulumi up`/`preview`, so one
// instant, taken the first time any connection asks, serves every connection in the run: they
// all see the same rotation windows, and a run never straddles a window boundary halfway.
let programInstant: Date | undefined;

export function deployInstant(): Date {
    programInstant ??= new Date();
    return programInstant;
}

/**
 * Fixes the deploy instant for this process, before the program is evaluated: `npm run plan
 * --at` uses it to show what a deploy at another time would do.
 */
export function setDeployInstant(instant: Date): void {
    programInstant = instant;
}
