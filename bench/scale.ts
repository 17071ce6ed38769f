import { megabytes, ms, positiveIntegerFromEnv, positiveIntegerListFromEnv, printTable, printVerdict, ratio, runInChild } from "./measure";
import type { ScaleSample } from "./scaleChild";

// Evaluation scale (docs/benchmarks.md). The stack program (index.ts: VendorVault + one
// VendorConnection per configured connection) with N generated connections, under the offline
// mock engine `npm run plan` uses, each N in a fresh process (bench/scaleChild.ts) so that peak
// memory is that N's own. Goals: t(500)/t(50) at most 11 (linear: 10), and our cost per resource
// at most 1.5x Pulumi's own per-resource cost, measured in the same run.
//
// Two bare programs, each registering exactly as many resources as the stack did at that N:
// - typed (the goal's baseline): the stack's own resource types (azuread Application, Key Vault
//   Secret, ...) declared plainly, with their required inputs only and none of this library's
//   logic. What the stack costs beyond this program is this library's overhead (validation,
//   schedule, components, inventory); the rest is Pulumi's own cost for those resources.
// - plain (Pulumi's floor, reported): `new pulumi.CustomResource` with three inputs. The SDK
//   allocates an Output (four promises, each capturing a stack trace) per output property of a
//   typed resource; an azuread Application has about 60, this resource none, so no program that
//   declares Entra and Key Vault resources through their SDK classes comes near it.
//
// Each N runs REPEATS rounds of the three programs, interleaved so that the machine's drift falls
// on all three alike; each program's row is its round with the median time (one run's ratio swung
// from 1.28x to 1.48x between two full runs on this shared machine).
//
// Environment:
//   BENCH_SCALE_SIZES    comma-separated connection counts (default 10,50,100,500)
//   BENCH_SCALE_REPEATS  rounds per N (default 3; about 5 minutes in all)

const DEFAULT_SIZES = [10, 50, 100, 500];
const MAX_GROWTH_500_OVER_50 = 11;
const MAX_OVERHEAD_PER_RESOURCE = 1.5;
const DEFAULT_REPEATS = 3;

interface ScaleRow {
    readonly connections: number;
    readonly stack: ScaleSample;
    readonly plain: ScaleSample;
    readonly typed: ScaleSample;
}

export async function run(): Promise<void> {
    const sizes = positiveIntegerListFromEnv("BENCH_SCALE_SIZES", DEFAULT_SIZES);
    const repeats = positiveIntegerFromEnv("BENCH_SCALE_REPEATS", DEFAULT_REPEATS);
    const rows: ScaleRow[] = [];
    for (const connections of sizes) {
        const rounds: { stack: ScaleSample; plain: ScaleSample; typed: ScaleSample }[] = [];
        for (let round = 0; round < repeats; round++) {
            const stack = await runInChild<ScaleSample>("scaleChild.ts", ["stack", String(connections)]);
            const plain = await runInChild<ScaleSample>("scaleChild.ts", ["bare", String(stack.resources)]);
            const typed = await runInChild<ScaleSample>("scaleChild.ts", ["typed", JSON.stringify(stack.types)]);
            rounds.push({ stack, plain, typed });
        }
        const row = {
            connections,
            stack: medianRun(rounds.map((r) => r.stack)),
            plain: medianRun(rounds.map((r) => r.plain)),
            typed: medianRun(rounds.map((r) => r.typed)),
        };
        rows.push(row);
        console.log(`N=${connections}: ${ms(row.stack.ms)} ms (median of ${repeats}), ${row.stack.resources} resources`);
    }
    printTable(
        `stack program under the mock engine, one process per run; ms = evaluation wall time, median of ${repeats} interleaved runs; per-resource ratios against the baselines at the same resource count`,
        ["N", "resources", "ms", "ms/conn", "ms/res", "peak MB", "MB/conn", "typed MB/conn", "plain ms/res", "typed ms/res", "vs plain", "vs typed"],
        rows.map(({ connections, stack, plain, typed }) => [
            String(connections),
            String(stack.resources),
            ms(stack.ms),
            (stack.ms / connections).toFixed(1),
            perResource(stack).toFixed(2),
            megabytes(stack.peakRss),
            megabytesPerConnection(stack, connections),
            megabytesPerConnection(typed, connections),
            perResource(plain).toFixed(2),
            perResource(typed).toFixed(2),
            ratio(perResource(stack) / perResource(plain)),
            ratio(perResource(stack) / perResource(typed)),
        ]),
    );
    printVerdicts(rows);
}

/** The run with the median time (the lower middle one of an even count). */
function medianRun(samples: readonly ScaleSample[]): ScaleSample {
    return [...samples].sort((a, b) => a.ms - b.ms)[Math.floor((samples.length - 1) / 2)];
}

/** Memory the evaluation added, per connection: peak RSS over the RSS with every module loaded. */
function megabytesPerConnection(sample: ScaleSample, connections: number): string {
    return ((sample.peakRss - sample.rssBefore) / connections / 1024 / 1024).toFixed(1);
}

function perResource(sample: ScaleSample): number {
    return sample.ms / sample.resources;
}

function printVerdicts(rows: readonly ScaleRow[]): void {
    console.log("");
    const at = (connections: number) => rows.find((row) => row.connections === connections);
    const fifty = at(50);
    const fiveHundred = at(500);
    if (fifty && fiveHundred) {
        const growth = fiveHundred.stack.ms / fifty.stack.ms;
        printVerdict(growth <= MAX_GROWTH_500_OVER_50, `t(500)/t(50) at most ${MAX_GROWTH_500_OVER_50} (linear)`, `${growth.toFixed(1)} (10 is linear)`);
    } else {
        console.log("(t(500)/t(50) needs N=50 and N=500 in BENCH_SCALE_SIZES)");
    }
    // The largest N: its fixed costs (vault, first-use compilation) weigh least per resource.
    const largest = rows[rows.length - 1];
    const overTyped = perResource(largest.stack) / perResource(largest.typed);
    const overPlain = perResource(largest.stack) / perResource(largest.plain);
    printVerdict(
        overTyped <= MAX_OVERHEAD_PER_RESOURCE,
        `per-resource cost at most ${MAX_OVERHEAD_PER_RESOURCE}x Pulumi's own for the same resources (typed, declared bare)`,
        `${ratio(overTyped)} at N=${largest.connections} (${perResource(largest.stack).toFixed(2)} vs ${perResource(largest.typed).toFixed(2)} ms/resource)`,
    );
    console.log(
        `(For scale, Pulumi's floor: a plain 3-input CustomResource costs ${perResource(largest.plain).toFixed(2)} ms/resource; ` +
            `the stack costs ${ratio(overPlain)} that, the same types declared bare ${ratio(perResource(largest.typed) / perResource(largest.plain))}.)`,
    );
}
