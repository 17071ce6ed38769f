import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import * as ts from "typescript";
import { parse } from "yaml";
import { planNodeArgs } from "../tests/support/planProcess";
import { elapsed, median, ms, positiveIntegerFromEnv, printTable, printVerdict, ratio } from "./measure";

// Start-up (docs/benchmarks.md), as whole processes (spawn to exit, wall clock), each run several
// times and compared by median:
// - `npm run plan`'s node process on the example stack, against a bare Pulumi program with one
//   resource under the mock engine. Goal: at most 1.5x.
// - the example stack loaded as `pulumi up` loads it: ts-node with type checking (Pulumi's default
//   for `typescript: true`), against the path Pulumi.yaml chooses (runtime.options.tsconfig, whose
//   `noCheck` the host passes to ts-node as transpileOnly). Both run bench/startupStack.ts, which
//   evaluates index.ts with Pulumi.dev.yaml under the offline engine instead of the Pulumi engine.
//
// Environment: BENCH_STARTUP_RUNS  runs per process kind (default 5)

const MAX_PLAN_RATIO = 1.5;
const ROOT = resolve(__dirname, "..");
const runFile = promisify(execFile);

interface ProcessKind {
    readonly name: string;
    readonly args: readonly string[];
    readonly env?: Readonly<Record<string, string>>;
}

export async function run(): Promise<void> {
    const runs = positiveIntegerFromEnv("BENCH_STARTUP_RUNS", 5);
    const deploy = deployTypeScriptEnv();
    const kinds: ProcessKind[] = [
        { name: "npm run plan (example stack)", args: planNodeArgs() },
        { name: "bare program, one resource", args: ["-r", "ts-node/register/transpile-only", "bench/startupBare.ts"] },
        { name: "pulumi up load, type-checked", args: ["-r", "ts-node/register", "bench/startupStack.ts"], env: { TS_NODE_PROJECT: "tsconfig.json" } },
        { name: `pulumi up load, ${deploy.TS_NODE_PROJECT}`, args: ["-r", "ts-node/register", "bench/startupStack.ts"], env: deploy },
    ];
    const medians = new Map<string, number>();
    const rows: string[][] = [];
    for (const kind of kinds) {
        await timeProcess(kind); // warm-up: file system cache
        const samples: number[] = [];
        for (let i = 0; i < runs; i++) {
            samples.push(await timeProcess(kind));
        }
        medians.set(kind.name, median(samples));
        rows.push([kind.name, ms(median(samples)), ms(Math.min(...samples)), ms(Math.max(...samples))]);
    }
    printTable(`whole-process wall time, ${runs} runs each (ms)`, ["process", "median", "min", "max"], rows);

    const [plan, bare, typeChecked, fast] = kinds.map((kind) => medians.get(kind.name)!);
    console.log("");
    printVerdict(
        plan / bare <= MAX_PLAN_RATIO,
        `npm run plan starts within ${MAX_PLAN_RATIO}x of a bare one-resource program`,
        `${ratio(plan / bare)} (${ms(plan)} vs ${ms(bare)} ms)`,
    );
    console.log(`pulumi up start-up: type-checked / ${deploy.TS_NODE_PROJECT} = ${ratio(typeChecked / fast)} (${ms(typeChecked)} vs ${ms(fast)} ms)`);
}

async function timeProcess(kind: ProcessKind): Promise<number> {
    return elapsed(() => runFile(process.execPath, [...kind.args], { cwd: ROOT, env: { ...process.env, ...kind.env }, maxBuffer: 16 * 1024 * 1024 }));
}

/**
 * How Pulumi's Node.js host would load TypeScript for this project, as ts-node environment
 * variables: the tsconfig named by Pulumi.yaml runtime.options.tsconfig, and transpile-only when
 * that file's own compilerOptions.noCheck is true (sdk/nodejs/cmd/run/run.ts).
 */
function deployTypeScriptEnv(): Record<string, string> {
    const project = parse(readFileSync(resolve(ROOT, "Pulumi.yaml"), "utf8"));
    const tsconfig: string = project.runtime?.options?.tsconfig ?? "tsconfig.json";
    const { config } = ts.parseConfigFileTextToJson(tsconfig, readFileSync(resolve(ROOT, tsconfig), "utf8"));
    return { TS_NODE_PROJECT: tsconfig, TS_NODE_TRANSPILE_ONLY: String(config?.compilerOptions?.noCheck === true) };
}
