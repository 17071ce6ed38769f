import { execFile } from "node:child_process";
import { copyFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Runs a serialized dynamic provider the way Pulumi's host does (@pulumi/pulumi/cmd/dynamic-provider:
 * `requireFromString(text).handler()` with no file name, so module resolution is rooted in the
 * working directory) in a child process whose working directory is `dir`. The child first proves
 * that `unresolvable` cannot be resolved there, then runs `body` with `provider` and `fs` in scope.
 * HOME is `dir` too, so that no global folder ($HOME/.node_modules) is searched. The child prints
 * error messages only; a failure throws with them.
 */
export async function runInProviderHost(dir: string, serialized: string, unresolvable: string, body: string): Promise<void> {
    const requireFromStringPath = require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js")] });
    await copyFile(requireFromStringPath, join(dir, "require-from-string.js"));
    await writeFile(join(dir, "provider.js"), serialized);
    await writeFile(join(dir, "host.js"), hostScript(unresolvable, body));
    await run(process.execPath, ["host.js"], { cwd: dir, env: { HOME: dir, NODE_PATH: "" }, timeout: 60_000 }).catch((err) => {
        throw new Error(`the provider failed in ${dir}: ${String(err.stderr).trim() || err.message}`);
    });
}

function hostScript(unresolvable: string, body: string): string {
    return `"use strict";
const { createRequire } = require("node:module");
const fs = require("node:fs");
const path = require("node:path");
const requireFromString = require("./require-from-string.js");

(async () => {
    try {
        createRequire(path.join(process.cwd(), "host.js")).resolve(${JSON.stringify(unresolvable)});
        throw new Error("the premise fails: ${unresolvable} can be resolved from " + process.cwd());
    } catch (err) {
        if (err.code !== "MODULE_NOT_FOUND") throw err;
    }
    const provider = requireFromString(fs.readFileSync("provider.js", "utf8")).handler();
${body}
})().catch((err) => {
    console.error(err && err.message ? err.message : String(err));
    process.exitCode = 1;
});
`;
}
