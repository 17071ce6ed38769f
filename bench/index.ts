import { parseArgs } from "node:util";

// `npm run bench` runs every benchmark module in turn; `npm run bench -- certificates` runs only
// the named ones. Benchmarks measure and report; they are not tests and do not fail the run when a
// target is missed (each prints its own PASS/MISS verdicts).

/** A benchmark module exports a run() that measures and prints its figures. */
interface BenchModule {
    run(): Promise<void>;
}

/** Add a benchmark here. Loaded only when it runs, so one bench's imports do not weigh on another. */
const BENCHES: readonly { readonly name: string; readonly load: () => Promise<BenchModule> }[] = [
    { name: "certificates", load: () => import("./certificates") },
    { name: "scale", load: () => import("./scale") },
    { name: "blast-radius", load: () => import("./blastRadius") },
    { name: "verify", load: () => import("./verify") },
    { name: "throughput", load: () => import("./throughput") },
    { name: "test-time", load: () => import("./testTime") },
    { name: "startup", load: () => import("./startup") },
];

async function main(): Promise<void> {
    const { positionals } = parseArgs({ allowPositionals: true });
    const unknown = positionals.filter((wanted) => !BENCHES.some((bench) => bench.name === wanted));
    if (unknown.length > 0) {
        throw new Error(`unknown benchmark ${unknown.join(", ")}; use ${BENCHES.map((bench) => bench.name).join(", ")}.`);
    }
    for (const bench of BENCHES) {
        if (positionals.length === 0 || positionals.includes(bench.name)) {
            console.log(`\n== bench: ${bench.name}`);
            await (await bench.load()).run();
        }
    }
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
});
