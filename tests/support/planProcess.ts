import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

// `npm run plan` as a user runs it: a node process started with the arguments package.json's
// `plan` script gives node (without npm in between), so tests and benchmarks exercise the command
// the README documents, whatever loader it uses.

export const projectRoot = resolve(__dirname, "..", "..");

export interface PlanResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** The node arguments of package.json's `plan` script, e.g. ["-r", "./register.js", "cli.ts"]. */
export function planNodeArgs(): string[] {
    const script: string = JSON.parse(readFileSync(resolve(projectRoot, "package.json"), "utf8")).scripts.plan;
    const [command, ...args] = script.trim().split(/\s+/);
    if (command !== "node") {
        throw new Error(`package.json scripts.plan must start with node, found ${JSON.stringify(script)}`);
    }
    return args;
}

/** The node arguments that load TypeScript for `npm run plan`: the plan script's, minus the script. */
export function planLoaderArgs(): string[] {
    return planNodeArgs().slice(0, -1);
}

/** Runs `npm run plan -- <args>` from the project root, in the environment given over this one's. */
export function runPlan(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<PlanResult> {
    return new Promise((done, failed) => {
        execFile(process.execPath, [...planNodeArgs(), ...args], { cwd: projectRoot, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
            const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
            if (err && code === null) {
                // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an Error at run time: @types/node builds ExecFileException with Omit<>, which drops the Error base
                failed(err);
            } else {
                done({ code, stdout, stderr });
            }
        });
    });
}
