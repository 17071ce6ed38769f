import { main } from "../cli/verify/cli";
import { MAX_GRAPH_REQUESTS_IN_FLIGHT, ConcurrencyLimiter } from "../components/graph";
import type { ExpectedConnection } from "../components/vendorConnection/expected";
import { GraphStandIn, testCertificate } from "../tests/support/graphStandIn";
import { addConnection, expectedOf } from "../tests/support/standInConnection";
import { positiveIntegerFromEnv, printTable, printVerdict, ratio } from "./measure";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

// `npm run verify` over a large stack (docs/benchmarks.md): the stand-in Graph (tests/support)
// holds one clean connection per entry of a generated `verify` output (and its vault, one secret
// per connection, listed in pages of 100) and answers every request
// after an added latency, as a remote Graph would. With at most 8 requests in flight for the whole
// run, the fastest verify possible takes requests x latency / 8; the goal is to stay within 1.3x of
// that bound, i.e. to keep the 8 slots busy across connections.
//
// Environment:
//   BENCH_VERIFY_CONNECTIONS  connections (default 200)
//   BENCH_VERIFY_LATENCY_MS   latency added to every answer (default 50)

const DEPLOYER = "d0000000-0000-4000-8000-000000000001";
const GRAPH_SP = "50000000-0000-4000-8000-000000000001";
const USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214";
const GOAL = 1.3;

export async function run(): Promise<void> {
    const connections = positiveIntegerFromEnv("BENCH_VERIFY_CONNECTIONS", 200);
    const latencyMs = positiveIntegerFromEnv("BENCH_VERIFY_LATENCY_MS", 50);
    const certificate = await testCertificate("bench");
    // Pages of 100, Graph's usual default: every listing of a clean connection fits in one page.
    const standIn = await GraphStandIn.start({ pageSize: 100, latencyMs });
    const agent = standIn.agent();
    const dir = await mkdtemp(join(tmpdir(), "vendor-connections-bench-verify-"));
    try {
        const verify: Record<string, ExpectedConnection> = {};
        for (let i = 0; i < connections; i++) {
            const hex = i.toString(16).padStart(12, "0");
            const app = `30000000-0000-4000-8000-${hex}`;
            const sp = `40000000-0000-4000-8000-${hex}`;
            const connection = {
                applicationObjectId: app,
                servicePrincipalObjectId: sp,
                certificate,
                owner: DEPLOYER,
                consent: { resourceId: GRAPH_SP, appRoleId: USER_READ_ALL },
            };
            addConnection(standIn, connection, `vendor-${i}-certificate`);
            verify[`vendor-${i}`] = expectedOf(connection, `vendor-${i}-certificate`, "2099-01-01T00:00:00Z", "2099-01-11T00:00:00Z");
        }
        const outputs = join(dir, "outputs.json");
        await writeFile(outputs, JSON.stringify({ vaultUri: `${standIn.origin}/`, verify }));
        const graph = { endpoints: { graph: standIn.origin }, credential: standIn.credential(), agent, limiter: new ConcurrencyLimiter(MAX_GRAPH_REQUESTS_IN_FLIGHT) };
        const started = process.hrtime.bigint();
        const code = await main(["--outputs", outputs, "--json"], { stdout: () => undefined, stderr: () => undefined, graph });
        const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
        const requests = standIn.requests.length;
        const boundMs = (requests * latencyMs) / MAX_GRAPH_REQUESTS_IN_FLIGHT;
        printTable(
            `verify over ${connections} connections, ${latencyMs} ms added per request, at most ${MAX_GRAPH_REQUESTS_IN_FLIGHT} in flight`,
            ["exit code", "requests", "requests/connection", "wall", "bound (requests x latency / 8)", "wall/bound", "most in flight"],
            [
                [
                    String(code),
                    String(requests),
                    (requests / connections).toFixed(1),
                    `${(wallMs / 1000).toFixed(2)} s`,
                    `${(boundMs / 1000).toFixed(2)} s`,
                    ratio(wallMs / boundMs),
                    String(standIn.maxInFlight),
                ],
            ],
        );
        printVerdict(
            code === 0 && wallMs / boundMs <= GOAL,
            `verify within ${GOAL}x of requests x latency / ${MAX_GRAPH_REQUESTS_IN_FLIGHT}`,
            `${ratio(wallMs / boundMs)} (exit ${code})`,
        );
    } finally {
        agent.destroy();
        await standIn.close();
        await rm(dir, { recursive: true, force: true });
    }
}
