// Microsoft Graph throttles per app and per tenant, and recommends a bounded number of concurrent
// requests rather than bursts (https://learn.microsoft.com/graph/throttling). A deploy may sweep many
// vendor connections at once, from several resources in one process: one limiter for the whole
// process keeps their sum bounded, not each connection's share.

/** The most Graph requests this process has on the wire at once. */
export const MAX_GRAPH_REQUESTS_IN_FLIGHT = 8;

/** Runs tasks with at most `limit` of them unfinished at any time; the others wait their turn, first come first served. */
export class ConcurrencyLimiter {
    private running = 0;
    private readonly waiting: (() => void)[] = [];

    constructor(readonly limit: number) {
        if (!Number.isInteger(limit) || limit < 1) {
            throw new RangeError(`a concurrency limit must be a whole number of at least 1, not ${limit}`);
        }
    }

    async run<T>(task: () => Promise<T>): Promise<T> {
        await this.acquire();
        try {
            return await task();
        } finally {
            this.release();
        }
    }

    /** Tasks started and not yet finished. */
    get inFlight(): number {
        return this.running;
    }

    /** Tasks waiting for a slot. */
    get queued(): number {
        return this.waiting.length;
    }

    private acquire(): Promise<void> {
        if (this.running < this.limit) {
            this.running += 1;
            return Promise.resolve();
        }
        return new Promise((resolve) => this.waiting.push(resolve));
    }

    private release(): void {
        const next = this.waiting.shift();
        if (next) {
            // The slot passes straight to the next task: `running` stays the same.
            next();
        } else {
            this.running -= 1;
        }
    }
}

/**
 * The limiter named `service` (`graph`, `keyVault`) that every client of that service in this
 * process shares unless given its own. Kept on globalThis under a registered symbol, so that two
 * copies of this module in one process (the library's, and one inside a serialized dynamic
 * provider) still share a single limiter.
 */
export function processLimiter(service: string, limit: number): ConcurrencyLimiter {
    const key = Symbol.for(`vendor-connections.${service}.requestLimiter`);
    const holder = globalThis as { [key: symbol]: ConcurrencyLimiter | undefined };
    holder[key] ??= new ConcurrencyLimiter(limit);
    return holder[key];
}

/** The limiter every Graph client in this process shares unless given its own. */
export function processGraphLimiter(): ConcurrencyLimiter {
    return processLimiter("graph", MAX_GRAPH_REQUESTS_IN_FLIGHT);
}
