import { generateKeyPair } from "node:crypto";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { certificateProvider } from "../components/certificate/provider";
import { toRfc3339 } from "../components/time";
import { allAtOnce, elapsed, ms, positiveIntegerFromEnv, printTable, printVerdict, ratio } from "./measure";

// Issuance throughput at deploy time (docs/benchmarks.md). A tenant-wide revocation of 200
// connections makes one `pulumi up` create 200 certificates at once: the engine starts every
// independent create without a limit (`pulumi up --parallel` defaults to unbounded), and one
// dynamic provider host process runs them all, with the provider deserialized once
// (@pulumi/pulumi cmd/dynamic-provider getProvider's cache). So: `certificateProvider.create` called
// 200 times at once in one process, against bare `crypto.generateKeyPair` of the same size at the
// same concurrency, in the same run. Goal: issuing reaches at least 0.8x bare throughput.
//
// Bare and issuing batches alternate, so load from other processes reaches both alike. Beside the
// wall time, the event loop's busy time during the issuing batch is the engine's work outside key
// generation, which is what can hold throughput below bare key generation.
//
// Environment:
//   BENCH_THROUGHPUT_COUNT   certificates per batch (default 200, about a minute on 2 cores)
//   BENCH_THROUGHPUT_ROUNDS  bare + issuing batch pairs (default 1)

const KEY_SIZE = 2048;
const MIN_RELATIVE_THROUGHPUT = 0.8;
const generateBareKeyPair = promisify(generateKeyPair);

export async function run(): Promise<void> {
    const count = positiveIntegerFromEnv("BENCH_THROUGHPUT_COUNT", 200);
    const rounds = positiveIntegerFromEnv("BENCH_THROUGHPUT_ROUNDS", 1);
    console.log(
        `${count} certificates at once, ${KEY_SIZE} bits; ${availableParallelism()} CPUs, ` +
            `UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? "4 (default)"}, Node ${process.version}`,
    );
    const bare = () => generateBareKeyPair("rsa", { modulusLength: KEY_SIZE, publicExponent: 0x10001 });
    const notBefore = new Date();
    const inputs = (index: number) => ({
        commonName: `bench-${index}`,
        keySize: KEY_SIZE,
        notBefore: toRfc3339(notBefore),
        notAfter: toRfc3339(new Date(notBefore.getTime() + 14 * 86_400_000)),
        identity: `bench:${index}`,
    });
    const issue = (index: number) => certificateProvider.create!(inputs(index));

    // Warm-up, not counted: loads the engine's modules and lets V8 compile the hot paths.
    await bare();
    await issue(-1);

    let bareMs = 0;
    let issueMs = 0;
    let issueBusyMs = 0;
    for (let round = 0; round < rounds; round++) {
        bareMs += await elapsed(() => allAtOnce(count, bare));
        const busyBefore = performance.eventLoopUtilization();
        issueMs += await elapsed(() => allAtOnce(count, issue));
        issueBusyMs += performance.eventLoopUtilization(busyBefore).active;
    }
    const total = count * rounds;
    const bareRate = (total / bareMs) * 1000;
    const issueRate = (total / issueMs) * 1000;
    printTable(
        "certificates (or bare key pairs) per second, all at once; main thread = event-loop busy ms per certificate while issuing",
        ["key", "n", "bare/s", "issuing/s", "issuing / bare", "main thread ms/cert"],
        [[String(KEY_SIZE), String(total), bareRate.toFixed(1), issueRate.toFixed(1), ratio(issueRate / bareRate), ms(issueBusyMs / total)]],
    );
    console.log("");
    printVerdict(
        issueRate / bareRate >= MIN_RELATIVE_THROUGHPUT,
        `issuing throughput at least ${MIN_RELATIVE_THROUGHPUT}x bare key generation at the same concurrency`,
        `${ratio(issueRate / bareRate)} (${issueRate.toFixed(1)} vs ${bareRate.toFixed(1)} per second)`,
    );
}
