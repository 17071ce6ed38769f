import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { planLoaderArgs } from "../tests/support/planProcess";

// What every benchmark measures with and prints through: timing, sample statistics, the child
// processes that give a measurement a memory of its own, and the figures and verdict lines.

/** Milliseconds that `work` took, wall clock. */
export async function elapsed(work: () => Promise<unknown>): Promise<number> {
    const start = performance.now();
    await work();
    return performance.now() - start;
}

export function mean(samples: readonly number[]): number {
    return samples.reduce((sum, x) => sum + x, 0) / samples.length;
}

export function median(samples: readonly number[]): number {
    const sorted = [...samples].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function coefficientOfVariation(samples: readonly number[]): number {
    const m = mean(samples);
    const variance = samples.reduce((sum, x) => sum + (x - m) ** 2, 0) / Math.max(1, samples.length - 1);
    return Math.sqrt(variance) / m;
}

/** Runs `count` copies of `work` at once, as the Pulumi engine starts independent creates. */
export function allAtOnce<T>(count: number, work: (index: number) => Promise<T>): Promise<T[]> {
    return Promise.all(Array.from({ length: count }, (_, index) => work(index)));
}

export function ms(value: number): string {
    return value.toFixed(0);
}

export function ratio(value: number): string {
    return `${value.toFixed(2)}x`;
}

export function megabytes(bytes: number): string {
    return (bytes / 1024 / 1024).toFixed(0);
}

/** Prints a right-aligned table under a caption. */
export function printTable(caption: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padStart(widths[i])).join("  ");
    console.log(`\n${caption}`);
    console.log(line(header));
    for (const row of rows) {
        console.log(line(row));
    }
}

/** One goal's verdict, in the form every benchmark prints: `PASS goal: detail` or `MISS goal: detail`. */
export function printVerdict(met: boolean, goal: string, detail: string): void {
    console.log(`${met ? "PASS" : "MISS"} ${goal}: ${detail}`);
}

/** A positive whole number from an environment variable, or undefined when it is unset or empty. */
export function optionalPositiveIntegerFromEnv(name: string): number | undefined {
    const text = process.env[name];
    if (text === undefined || text.trim() === "") {
        return undefined;
    }
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) {
        throw new Error(`${name}: ${JSON.stringify(text)} is not allowed; use a positive whole number.`);
    }
    return value;
}

/** A positive whole number from an environment variable, or the default when it is unset or empty. */
export function positiveIntegerFromEnv(name: string, fallback: number): number {
    return optionalPositiveIntegerFromEnv(name) ?? fallback;
}

/** Comma-separated whole numbers from an environment variable, or the defaults when it is unset or empty. */
export function positiveIntegerListFromEnv(name: string, fallback: readonly number[]): number[] {
    const text = process.env[name];
    if (text === undefined || text.trim() === "") {
        return [...fallback];
    }
    return text.split(",").map((part) => {
        const value = Number(part.trim());
        if (!Number.isInteger(value) || value < 1) {
            throw new Error(`${name}: ${JSON.stringify(part.trim())} is not allowed; use comma-separated positive whole numbers.`);
        }
        return value;
    });
}

const BENCH_DIR = __dirname;

/**
 * Runs a bench module in a fresh Node process and parses the JSON document it prints as its last
 * line. A fresh process per measurement gives each one its own peak memory (maxRSS never goes
 * down) and its own module cache. The TypeScript loads as `npm run plan` loads the stack
 * (planLoaderArgs): no source maps behind every stack trace the SDK captures, as in compiled code.
 */
export function runInChild<T>(module: string, args: readonly string[]): Promise<T> {
    return new Promise((done, fail) => {
        execFile(
            process.execPath,
            [...planLoaderArgs(), resolve(BENCH_DIR, module), ...args],
            { cwd: resolve(BENCH_DIR, ".."), maxBuffer: 64 * 1024 * 1024 },
            (err, stdout, stderr) => {
                if (err) {
                    fail(new Error(`${module} ${args.join(" ")} failed: ${stderr.trim() || err.message}`));
                    return;
                }
                const lines = stdout.trim().split("\n");
                done(JSON.parse(lines[lines.length - 1]) as T);
            },
        );
    });
}

/** In a child started by runInChild: prints the result for the parent to read. */
export function reportToParent(result: unknown): void {
    console.log(JSON.stringify(result));
}
