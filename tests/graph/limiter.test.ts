import * as assert from "node:assert/strict";
import { ConcurrencyLimiter, MAX_GRAPH_REQUESTS_IN_FLIGHT, processGraphLimiter } from "../../components/graph";

function deferred(): { promise: Promise<void>; resolve(): void; reject(err: Error): void } {
    let resolve!: () => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
    });
    return { promise, resolve, reject };
}

describe("the Graph concurrency limiter", () => {
    it("runs at most `limit` tasks at once and starts the waiting ones in arrival order", async () => {
        const limiter = new ConcurrencyLimiter(2);
        const gates = [deferred(), deferred(), deferred(), deferred()];
        const started: number[] = [];
        const runs = gates.map((gate, i) =>
            limiter.run(async () => {
                started.push(i);
                await gate.promise;
                return i;
            }),
        );
        const settled = Promise.allSettled(runs);
        await new Promise(setImmediate);
        assert.deepEqual(started, [0, 1]);
        assert.equal(limiter.inFlight, 2);
        assert.equal(limiter.queued, 2);

        gates[1].resolve();
        await new Promise(setImmediate);
        assert.deepEqual(started, [0, 1, 2]);
        gates[0].reject(new Error("failed task"));
        await new Promise(setImmediate);
        assert.deepEqual(started, [0, 1, 2, 3], "a failed task frees its slot too");
        gates[2].resolve();
        gates[3].resolve();
        const results = await settled;
        assert.deepEqual(
            results.map((r) => r.status),
            ["rejected", "fulfilled", "fulfilled", "fulfilled"],
        );
        assert.equal(limiter.inFlight, 0);
    });

    it("refuses a limit that is not a whole number of at least 1", () => {
        assert.throws(() => new ConcurrencyLimiter(0), RangeError);
        assert.throws(() => new ConcurrencyLimiter(1.5), RangeError);
    });

    it("is one per process: 8 requests in flight, shared by every client", () => {
        assert.equal(processGraphLimiter(), processGraphLimiter());
        assert.equal(processGraphLimiter().limit, MAX_GRAPH_REQUESTS_IN_FLIGHT);
        assert.equal(MAX_GRAPH_REQUESTS_IN_FLIGHT, 8);
    });
});
