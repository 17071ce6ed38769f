// A bound on requests in flight, shared by every client of one Azure service in a process: the Graph
// client and the Key Vault keys client each take a slot per attempt on the wire.

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
