import { readFile } from "node:fs/promises";
import { GraphClient, GraphClientOptions } from "../../components/graph/client";
import { parseStackOutputs } from "./stackOutputs";
import { VaultMetadataReader, VaultReaderOptions } from "./vaultMetadata";
import { ConnectionVerdict, VerifyReport, exitCodeOf, verifyConnections } from "./verify";

// `npm run verify -- --outputs <file> [--json]`: between deploys, compares each connection's
// application and service principal in the tenant, and its secret or key in the vault, with what
// the stack declares, read-only, as the identity signed in (the same credential chain as a deploy:
// components/graph/credential.ts).
// Exit 0: clean; 2: drift found; 1: could not check. Progress goes to stderr, the report to stdout.
// docs/operations.md#verify-between-deploys.

const USAGE = "usage: npm run verify -- --outputs <file> [--json]   (the file from `pulumi stack output --json --show-secrets=false`)";

export interface VerifyIo {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
    /** Default: the environment's Graph and the deploying identity's credential. Tests pass a stand-in. */
    readonly graph?: GraphClientOptions;
    /** What reaches the vault, over `graph`'s (same credential, agent and limits by default). Tests pass a Key Vault stand-in's. */
    readonly vault?: VaultReaderOptions;
    readonly now?: Date;
}

export async function main(argv: readonly string[], io: VerifyIo): Promise<number> {
    const parsed = parseArguments(argv);
    if (typeof parsed === "string") {
        io.stderr(`${parsed}\n${USAGE}\n`);
        return 1;
    }
    let report: VerifyReport;
    try {
        const { vaultUri, targets } = parseStackOutputs(await readFile(parsed.outputs, "utf8"), parsed.outputs);
        const client = new GraphClient(io.graph);
        const vault = vaultUri === undefined ? undefined : new VaultMetadataReader(vaultUri, { ...io.graph, ...io.vault });
        const total = targets.length;
        report = await verifyConnections(
            client,
            targets,
            io.now ?? new Date(),
            (done, verdict) => io.stderr(`verify: ${done}/${total} ${verdict.name}: ${summary(verdict)}\n`),
            vault,
        );
    } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        io.stderr(`verify could not check: ${reason}\n`);
        return 1;
    }
    io.stdout(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : text(report));
    return exitCodeOf(report);
}

function parseArguments(argv: readonly string[]): { outputs: string; json: boolean } | string {
    let outputs: string | undefined;
    let json = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--json") {
            json = true;
        } else if (arg === "--outputs" && i + 1 < argv.length) {
            outputs = argv[++i];
        } else if (arg.startsWith("--outputs=")) {
            outputs = arg.slice("--outputs=".length);
        } else {
            return `unknown argument ${JSON.stringify(arg)}; allowed: --outputs <file>, --json.`;
        }
    }
    return outputs === undefined || outputs === "" ? "--outputs <file> is required." : { outputs, json };
}

function summary(verdict: ConnectionVerdict): string {
    if (verdict.drift.length > 0) {
        return `${verdict.drift.length} drift`;
    }
    return verdict.error !== undefined ? "could not check" : "ok";
}

function text(report: VerifyReport): string {
    const lines = report.connections.map((c) => {
        const details = [...c.drift.map((d) => `    ${d.object} ${d.kind} ${d.id}: ${d.detail}`), ...(c.error !== undefined ? [`    could not check: ${c.error}`] : [])];
        return [`${c.name}: ${summary(c)}`, ...details].join("\n");
    });
    const drifted = report.connections.filter((c) => c.drift.length > 0).length;
    const unchecked = report.connections.filter((c) => c.error !== undefined).length;
    lines.push(`checked at ${report.checkedAt}: ${report.connections.length} connections, ${drifted} with drift, ${unchecked} not checked.`);
    return `${lines.join("\n")}\n`;
}

if (require.main === module) {
    main(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then(
        (code) => {
            process.exitCode = code;
        },
        (err: unknown) => {
            process.stderr.write(`verify could not check: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exitCode = 1;
        },
    );
}
