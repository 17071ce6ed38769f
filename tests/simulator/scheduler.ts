import { SeededRandom } from "./random";

// Runs a deploy's resource steps in an order a real engine could have chosen. Pulumi's engine runs
// every step whose dependencies are satisfied concurrently and their completion order is arbitrary;
// the SDK sends a registration only once everything it depends on has completed, so every request
// that has arrived is ready. The scheduler therefore holds each request instead of running it, waits
// until the runtime is quiescent (nothing more can arrive until a held step completes), picks one
// held step with a seeded generator, runs it to completion (or to its pause) and repeats: one
// interleaving of the engine's concurrency, replayable from the seed.

/** What the scheduler observes of the Pulumi runtime. */
export interface RuntimeProbe {
    /** A counter that changes whenever the runtime does something observable (an RPC begins or ends, a request arrives). */
    activity(): number;
    /** RPCs begun and not finished; a held request counts as one. */
    outstanding(): number;
}

/** What a step may do while it runs. */
export interface Turn {
    /**
     * Gives the turn back between two operations of one step (a delete-before-replace's delete and
     * its create), as the engine's step chains let other steps run in between. Resolves when the
     * scheduler picks this step again; rejects with UpdateStopped if the update stops first.
     */
    pause(): Promise<void>;
}

/** The words every UpdateStopped error carries, also once the SDK has wrapped it. */
export const UPDATE_STOPPED = "not run, the update stopped at an earlier failure";

/** Why a step never started or never finished: an earlier step (or the program) failed. */
export class UpdateStopped extends Error {
    constructor(key: string) {
        super(`${key}: ${UPDATE_STOPPED}`);
        this.name = "UpdateStopped";
    }
}

interface Held {
    readonly key: string;
    /** Order of arrival, to keep the pick independent of how equal keys compare. */
    readonly arrival: number;
    run(): void;
    cancel(): void;
}

export type DrainOutcome = "drained" | "stopped" | "timed out";

export class StepScheduler {
    private held: Held[] = [];
    private arrivals = 0;
    private stopped = false;
    /** Ends the current turn: called when the running step finishes or pauses. */
    private endTurn: (() => void) | undefined;

    constructor(
        private readonly random: SeededRandom,
        private readonly runtime: RuntimeProbe,
        /** Asked at every quiescent point: once true, no new step starts. */
        private readonly failed: () => boolean,
    ) {}

    /**
     * Holds a step until the scheduler picks it. `body` must not reject; `cancel` answers the
     * request when the update stops before the step starts.
     */
    submit(key: string, body: (turn: Turn) => Promise<void>, cancel: () => void): void {
        this.arrivals += 1;
        if (this.stopped) {
            cancel();
            return;
        }
        this.held.push({
            key,
            arrival: this.arrivals,
            run: () => {
                // Not awaited: the scheduler moves on when the step yields its turn. `body` never
                // rejects (see above), so nothing is lost here.
                void body(this.turnOf(key)).finally(() => this.finishTurn());
            },
            cancel,
        });
    }

    /**
     * Runs held steps one at a time until none is held and no RPC is outstanding, or, once a
     * failure stopped the update, until none is held. Gives up at `deadline` (epoch ms) when
     * outstanding RPCs wait on something that never comes.
     */
    async drain(deadline: number): Promise<DrainOutcome> {
        for (;;) {
            if (!(await this.quiescent(deadline))) {
                return "timed out";
            }
            if (!this.stopped && this.failed()) {
                this.stop();
            }
            if (this.held.length > 0) {
                await this.runOne();
                continue;
            }
            if (this.runtime.outstanding() === 0) {
                return "drained";
            }
            if (this.stopped) {
                // What is still outstanding waits on steps that will never run; a real update's
                // language host exits here.
                return "stopped";
            }
            // Outstanding RPCs wait on nothing the scheduler holds: a timer, or a rejection that
            // never comes. Wait without spinning until something happens or the deadline passes.
            if (Date.now() > deadline) {
                return "timed out";
            }
            await new Promise((resolve) => setTimeout(resolve, 2));
        }
    }

    // No new step starts; held ones are answered as not run.
    private stop(): void {
        this.stopped = true;
        const held = this.held;
        this.held = [];
        for (const step of held) {
            step.cancel();
        }
    }

    private async runOne(): Promise<void> {
        // Sorted by key so that the pick does not depend on the order in which requests arrived
        // within one quiescent stretch.
        this.held.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.arrival - b.arrival));
        const [step] = this.held.splice(this.random.below(this.held.length), 1);
        await new Promise<void>((resolve) => {
            this.endTurn = resolve;
            step.run();
        });
    }

    private finishTurn(): void {
        const end = this.endTurn;
        this.endTurn = undefined;
        end?.();
    }

    private turnOf(key: string): Turn {
        return {
            pause: () =>
                new Promise<void>((resume, reject) => {
                    this.arrivals += 1;
                    const continuation: Held = { key, arrival: this.arrivals, run: () => resume(), cancel: () => reject(new UpdateStopped(key)) };
                    if (this.stopped) {
                        continuation.cancel();
                    } else {
                        this.held.push(continuation);
                    }
                    this.finishTurn();
                }),
        };
    }

    // Quiescent: a whole turn of the event loop (every microtask run, then a macrotask) in which
    // the runtime did nothing observable, with no I/O request in flight. The SDK uses no timers,
    // so after such a turn nothing more can arrive until a held step completes. Counting activity
    // rather than trusting one setImmediate keeps the pick deterministic even if the SDK did I/O
    // while preparing a registration (e.g. reading files to serialize a dynamic provider).
    private async quiescent(deadline: number): Promise<boolean> {
        for (;;) {
            const before = this.runtime.activity() + this.arrivals;
            await new Promise((resolve) => setImmediate(resolve));
            if (this.runtime.activity() + this.arrivals === before && !ioInFlight()) {
                return true;
            }
            if (Date.now() > deadline) {
                return false;
            }
        }
    }
}

// libuv requests (file system, DNS, ...) in flight, whose callbacks may still feed the program.
function ioInFlight(): boolean {
    return process.getActiveResourcesInfo().some((name) => name.includes("Req"));
}
