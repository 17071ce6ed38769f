import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { elapsed, printTable, printVerdict } from "./measure";

// The wall time of `npm test` (type-check, lint, then every mocha test; docs/benchmarks.md) on a
// clean clone, as a new contributor or CI first runs it. The clone is of the committed HEAD of this
// repository, so uncommitted work in the tree neither helps nor hurts; `npm ci` runs first (timed
// apart: it depends on the npm cache and the network, not on this project's tests).
// Goal: `npm ci` and `npm test` together under 5 minutes on this machine, as the README's two
// commands run on a clean clone.

const MAX_TEST_MS = 5 * 60_000; // npm ci and npm test together
const REPOSITORY = resolve(__dirname, "..");

export async function run(): Promise<void> {
    const workspace = await mkdtemp(join(tmpdir(), "vendor-connections-test-time-"));
    const clone = join(workspace, "clone");
    const log = join(workspace, "output.log");
    try {
        await runLogged("git", ["clone", "--quiet", REPOSITORY, clone], workspace, log);
        const installMs = await elapsed(() => runLogged("npm", ["ci", "--no-audit", "--no-fund"], clone, log));
        const testMs = await elapsed(() => runLogged("npm", ["test"], clone, log));
        const summary = mochaSummary(await readFile(log, "utf8"));
        printTable(
            "clean clone of HEAD; wall time",
            ["step", "seconds"],
            [
                ["npm ci", (installMs / 1000).toFixed(0)],
                ["npm test", (testMs / 1000).toFixed(0)],
            ],
        );
        console.log(`mocha: ${summary}`);
        console.log("");
        const totalMs = installMs + testMs;
        printVerdict(totalMs < MAX_TEST_MS, `npm ci + npm test on a clean clone under ${MAX_TEST_MS / 60_000} minutes`, `${(totalMs / 1000).toFixed(0)} s`);
    } finally {
        await rm(workspace, { recursive: true, force: true });
    }
}

/** Runs a command with its output appended to `log`; rejects, naming the log's tail, if it fails. */
function runLogged(command: string, args: readonly string[], cwd: string, log: string): Promise<void> {
    return new Promise((done, fail) => {
        const out = createWriteStream(log, { flags: "a" });
        const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
        child.stdout.pipe(out, { end: false });
        child.stderr.pipe(out, { end: false });
        child.on("error", fail);
        child.on("close", (code) => {
            out.end(() => {
                if (code === 0) {
                    done();
                } else {
                    // A log that cannot be read fails the run too, instead of leaving it pending.
                    readFile(log, "utf8").then((text) => {
                        const tail = text.split("\n").slice(-20).join("\n");
                        fail(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${tail}`));
                    }, fail);
                }
            });
        });
    });
}

/** Mocha's closing counts (`N passing`, `N pending`, `N failing`), as one line. */
function mochaSummary(output: string): string {
    const counts = output.match(/^\s+\d+ (passing|pending|failing).*$/gm) ?? [];
    return counts.map((line) => line.trim()).join(", ") || "(no mocha summary found)";
}
