import type { ConnectionConfig } from "../cli/config/schema";
import { resolveCertificatePolicy } from "../components/rotation";
import { CERTIFICATE_TYPE, DeploySimulator, fakeCertificateIssuer, type DeployRun } from "../tests/simulator";
import { connectionName, evaluateStackProgram, generatedStackConfig } from "./generatedStack";
import { positiveIntegerFromEnv, printTable, printVerdict, ratio } from "./measure";
import { minimalOperations } from "./minimalOperations";

// Rotation blast radius (docs/benchmarks.md). The stack program (index.ts) with 200 connections is
// deployed again and again through the redeploy simulator (tests/simulator), which replays
// `pulumi up` with state carried between runs and counts every resource operation. Certificates
// come from the simulator's fake issuer: the operations are what matters here, and a real RSA key
// costs 0.3 s. Each deploy's operations are compared with the fewest that deploy must perform,
// computed per connection from first principles (bench/minimalOperations.ts) from the
// certificates it held before the deploy. Goals: a routine rotation of one connection and a
// revocation of one cost exactly the minimum (ratio 1.0); an unchanged redeploy costs zero.
//
// The deploys, in simulated time (all connections but one on the default policy, P30D renewed
// P10D before expiry: 20-day rotation windows; one connection on P6D/P2D: 4-day windows, so that
// it, alone, rotates while the others are not due):
//   initial deploy, 1 h after a 20-day window opens
//   unchanged redeploy, 1 h later
//   revocation of one connection (its revokeIssuedBefore set), during the overlap, when it
//     holds two certificates
//   housekeeping, just after the previous window's certificates expire everywhere (each
//     connection's expired certificate removed: due work, also measured against its minimum)
//   routine rotation of one, twice: the first fills its empty slot, the second also removes the
//     certificate that expired meanwhile
//   unchanged redeploy
//
// Environment:
//   BENCH_BLAST_CONNECTIONS  connections in the stack (default 200)

const HOUR = 3_600_000;
const ROTATING = connectionName(7);
const REVOKED = connectionName(100);
const ROTATING_POLICY = { lifetime: "P6D", renewBefore: "P2D" };
const DEFAULT_POLICY = resolveCertificatePolicy(undefined, "bench");
const ROTATING_RENEW_BEFORE_MS = resolveCertificatePolicy(ROTATING_POLICY, "bench").renewBeforeMs;
const DEFAULT_WINDOW_MS = DEFAULT_POLICY.lifetimeMs - DEFAULT_POLICY.renewBeforeMs;
const ROTATING_WINDOW_MS = resolveCertificatePolicy(ROTATING_POLICY, "bench").lifetimeMs - ROTATING_RENEW_BEFORE_MS;

interface Deploy {
    readonly label: string;
    readonly at: Date;
    /** The revocation cutoff of connection REVOKED from this deploy on (config keeps it). */
    readonly revokeIssuedBefore?: Date;
    /** Whether this deploy is one the goals speak of (the initial one, for example, is not). */
    readonly goal?: "zero" | "minimal";
}

interface DeployResult {
    readonly deploy: Deploy;
    readonly actual: number;
    /** Undefined for the initial deploy: everything is created, there is nothing to minimize. */
    readonly minimum: number | undefined;
    /** Connections the minimum says must change, and those the deploy changed. */
    readonly due: readonly string[];
    readonly touched: readonly string[];
}

export async function run(): Promise<void> {
    const connections = positiveIntegerFromEnv("BENCH_BLAST_CONNECTIONS", 200);
    if (connections <= 100) {
        throw new Error(`BENCH_BLAST_CONNECTIONS: ${connections} is not allowed; the scenario revokes ${REVOKED}, so use more than 100.`);
    }
    const names = Array.from({ length: connections }, (_, i) => connectionName(i));
    const sim = new DeploySimulator({
        project: "vendor-connections",
        stack: "bench",
        issuers: { [CERTIFICATE_TYPE]: fakeCertificateIssuer() },
        runTimeoutMs: 600_000,
    });

    const results: DeployResult[] = [];
    let cutoff: Date | undefined;
    for (const deploy of scenario()) {
        cutoff = deploy.revokeIssuedBefore ?? cutoff;
        const minimum = minimumFor(sim, names, deploy.at, cutoff);
        const config = generatedStackConfig(connections, (name, settings) => withScenarioSettings(name, settings, cutoff));
        const started = Date.now();
        const run = await sim.up(deploy.at, () => void evaluateStackProgram(deploy.at), { config });
        const touched = names.filter((name) => operationsOf(run, name) > 0);
        results.push({ deploy, actual: run.operations.length, minimum: minimum?.total, due: minimum?.due ?? names, touched });
        console.log(`${deploy.label}: ${run.operations.length} operations (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    printTable(
        `${connections} connections; operations = creates, updates, deletes (a replacement counts its create and its delete)`,
        ["deploy", "at", "operations", "minimum", "actual/minimum", "connections due", "connections touched"],
        results.map(({ deploy, actual, minimum, due, touched }) => [
            deploy.label,
            deploy.at.toISOString().slice(0, 16),
            String(actual),
            minimum === undefined ? "-" : String(minimum),
            minimum === undefined || (minimum === 0 && actual === 0) ? "-" : ratio(actual / minimum),
            summary(due),
            summary(touched),
        ]),
    );
    console.log("");
    for (const { deploy, actual, minimum, due, touched } of results) {
        const sameConnections = due.length === touched.length && due.every((name, i) => touched[i] === name);
        if (deploy.goal === "zero") {
            printVerdict(actual === 0, `${deploy.label} costs zero operations`, `${actual}`);
        } else if (deploy.goal === "minimal" && minimum !== undefined) {
            printVerdict(
                actual === minimum && sameConnections,
                `${deploy.label} costs exactly the minimal operations`,
                `${actual} of minimum ${minimum} (ratio ${ratio(actual / minimum)}), on ${summary(touched)} (due: ${summary(due)})`,
            );
        }
    }
}

/** The deploy instants (see the header), computed from the two policies' rotation windows. */
function scenario(): Deploy[] {
    const windowStart = Math.ceil(Date.parse("2026-11-01T00:00:00Z") / DEFAULT_WINDOW_MS) * DEFAULT_WINDOW_MS;
    const at = (ms: number) => new Date(ms);
    const initial = windowStart + HOUR;
    const revocation = initial + 2 * HOUR;
    // Every connection's previous certificate expires renewBefore into the window.
    const housekeeping = windowStart + DEFAULT_POLICY.renewBeforeMs + HOUR;
    const firstRotation = Math.ceil(housekeeping / ROTATING_WINDOW_MS) * ROTATING_WINDOW_MS + 60_000;
    const secondRotation = firstRotation + ROTATING_WINDOW_MS;
    if (secondRotation + HOUR >= windowStart + DEFAULT_WINDOW_MS) {
        throw new Error("blast radius scenario: the rotations must fall inside one default rotation window");
    }
    return [
        { label: "initial deploy", at: at(initial) },
        { label: "unchanged redeploy", at: at(initial + HOUR), goal: "zero" },
        { label: `revocation of ${REVOKED}`, at: at(revocation), revokeIssuedBefore: at(revocation - 30 * 60_000), goal: "minimal" },
        { label: "housekeeping (expiries)", at: at(housekeeping) },
        { label: `rotation of ${ROTATING} (empty slot)`, at: at(firstRotation), goal: "minimal" },
        { label: `rotation of ${ROTATING} (slot reused)`, at: at(secondRotation), goal: "minimal" },
        { label: "unchanged redeploy", at: at(secondRotation + HOUR), goal: "zero" },
    ];
}

function withScenarioSettings(name: string, settings: ConnectionConfig, cutoff: Date | undefined): ConnectionConfig {
    if (name === ROTATING) {
        return { ...settings, certificate: ROTATING_POLICY };
    }
    if (name === REVOKED && cutoff !== undefined) {
        return { ...settings, revokeIssuedBefore: cutoff.toISOString() };
    }
    return settings;
}

/** The sum over connections of the fewest operations the deploy at `at` must perform; undefined before the first. */
function minimumFor(sim: DeploySimulator, names: readonly string[], at: Date, cutoff: Date | undefined): { total: number; due: string[] } | undefined {
    if (sim.history.length === 0) {
        return undefined;
    }
    const certificates = sim.find(CERTIFICATE_TYPE);
    let total = 0;
    const due: string[] = [];
    for (const name of names) {
        const held = certificates
            .filter((c) => c.name.startsWith(`${name}-`))
            .map((c) => ({ issuedAt: new Date(String(c.outputs.issuedAt)), notAfter: new Date(String(c.outputs.notAfter)) }));
        const minimum = minimalOperations({
            held,
            at,
            renewBeforeMs: name === ROTATING ? ROTATING_RENEW_BEFORE_MS : DEFAULT_POLICY.renewBeforeMs,
            revokeIssuedBefore: name === REVOKED ? cutoff : undefined,
        }).total;
        total += minimum;
        if (minimum > 0) {
            due.push(name);
        }
    }
    return { total, due };
}

/** Operations of a run on one connection's resources (all named `<connection>-...`) or the component itself. */
function operationsOf(run: DeployRun, connection: string): number {
    return run.operations.filter((op) => op.name === connection || op.name.startsWith(`${connection}-`)).length;
}

function summary(names: readonly string[]): string {
    return names.length <= 2 ? names.join(", ") || "none" : `${names.length}`;
}
