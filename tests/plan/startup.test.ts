import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { OFFLINE_PROVIDER_TEXT } from "../../cli/plan/providerSerialization";
import { planNodeArgs, projectRoot, runPlan } from "../support/planProcess";

// What makes `npm run plan` start fast (bench/startup.ts measures it) must not change what it
// prints: the caching TypeScript loader (cli/plan/register.js) and the skipped provider
// serialization with the modules only serialization needs left unloaded
// (cli/plan/providerSerialization.ts), each checked on its own and against ts-node.

const run = promisify(execFile);
const REGISTER = join(projectRoot, "cli", "plan", "register.js");
const AT = "2026-12-01T09:00:00Z";
/** Files that exist only once the TypeScript compiler or npm's package tree reader has loaded. */
const COMPILER_FILE = /[\\/]typescript[\\/]lib[\\/]typescript\.js$/;
const TREE_READER_FILE = /[\\/]@npmcli[\\/]arborist[\\/]lib[\\/]arborist[\\/]index\.js$/;

describe("npm run plan start-up", function () {
    this.timeout(120_000);
    let dir: string;

    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), "plan-startup-"));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("runs through the caching loader, and prints byte for byte what ts-node prints, cold cache and warm", async () => {
        assert.deepEqual(planNodeArgs().slice(0, 2), ["-r", "./cli/plan/register.js"]);
        const cache = join(dir, "cache");
        for (const args of [
            ["--at", AT],
            ["--at", AT, "--json"],
        ]) {
            const reference = await run(process.execPath, ["-r", "ts-node/register/transpile-only", "cli/plan/cli.ts", ...args], { cwd: projectRoot });
            const cold = await runPlan(args, { VENDOR_CONNECTIONS_TRANSPILE_CACHE: cache });
            const warm = await runPlan(args, { VENDOR_CONNECTIONS_TRANSPILE_CACHE: cache });
            assert.equal(cold.code, 0, cold.stderr);
            assert.equal(cold.stdout, reference.stdout);
            assert.equal(warm.stdout, reference.stdout);
        }
        // One entry per project file the plan loads (index.ts, the CLI, the components), no leftovers.
        const entries = readdirSync(cache);
        assert.ok(entries.length >= 20, `only ${entries.length} cached files`);
        assert.ok(
            entries.every((name) => /^[0-9a-f]{64}\.js$/.test(name)),
            entries.join(", "),
        );
    });

    /** Runs `script` in a node process with the plan's loader, caching in this test's folder. */
    const throughLoader = (script: string) =>
        run(process.execPath, ["-r", REGISTER, "-e", script], { env: { ...process.env, VENDOR_CONNECTIONS_TRANSPILE_CACHE: join(dir, "cache") } });

    it("transpiles an edited file again instead of serving the cached one, and never loads TypeScript on a warm cache", async () => {
        const source = join(dir, "answer.ts");
        // Prints the module's value and whether the TypeScript compiler was loaded to get it.
        const probe = `const v = require(${JSON.stringify(source)}).answer; console.log(JSON.stringify({ v, compiler: Object.keys(require.cache).some((f) => f.endsWith("typescript/lib/typescript.js")) }))`;
        const load = async () => JSON.parse((await throughLoader(probe)).stdout);

        writeFileSync(source, "export const answer: number = 41;\n");
        assert.deepEqual(await load(), { v: 41, compiler: true });
        assert.deepEqual(await load(), { v: 41, compiler: false });
        writeFileSync(source, "export const answer: number = 42;\n");
        assert.deepEqual(await load(), { v: 42, compiler: true });
        assert.deepEqual(await load(), { v: 42, compiler: false });
    });

    it("loads neither the TypeScript compiler nor npm's package tree reader on a warm cache", async () => {
        const env = { VENDOR_CONNECTIONS_TRANSPILE_CACHE: join(dir, "cache") };
        const cold = await runPlan(["--at", AT], env);
        assert.equal(cold.code, 0, cold.stderr);
        // Preloaded into the plan's process: at exit, reports which of the two it loaded.
        const probe = join(dir, "probe.js");
        writeFileSync(
            probe,
            `process.on("exit", () => { const files = Object.keys(require.cache); process.stderr.write(JSON.stringify({ ` +
                `compiler: files.some((f) => ${COMPILER_FILE}.test(f)), treeReader: files.some((f) => ${TREE_READER_FILE}.test(f)) })); });`,
        );
        const warm = await runPlan(["--at", AT], { ...env, NODE_OPTIONS: `--require ${probe}` });
        assert.equal(warm.code, 0, warm.stderr);
        assert.equal(warm.stdout, cold.stdout);
        assert.deepEqual(JSON.parse(warm.stderr), { compiler: false, treeReader: false });
    });

    it("still loads the deferred modules, and serializes with them as before, when something uses them", async () => {
        // Pulumi's closure helpers, used after the plan's deferral: an identifier check through the
        // compiler, and the packages a serialized closure would ship, through the tree reader.
        const closure = (name: string) => JSON.stringify(join(projectRoot, "node_modules", "@pulumi", "pulumi", "runtime", "closure", name));
        const loaded = (file: RegExp) => `Object.keys(require.cache).some((f) => ${file}.test(f))`;
        const useSerializerModules = `
            const before = { compiler: ${loaded(COMPILER_FILE)}, treeReader: ${loaded(TREE_READER_FILE)} };
            const identifiers = [require(${closure("utils.js")}).isLegalFunctionName("rotate"), require(${closure("utils.js")}).isLegalFunctionName("1rotate")];
            require(${closure("codePaths.js")}).computeCodePaths().then((paths) => console.log(JSON.stringify({
                before, identifiers, packages: [...paths.keys()].sort(), after: { compiler: ${loaded(COMPILER_FILE)}, treeReader: ${loaded(TREE_READER_FILE)} },
            })));`;
        const deferral = `require(${JSON.stringify(join(projectRoot, "cli", "plan", "providerSerialization.ts"))}).skipProviderSerialization();`;
        await throughLoader(deferral); // warms the loader's cache, whose first transpile loads the compiler
        const deferred = JSON.parse((await throughLoader(deferral + useSerializerModules)).stdout);
        const plain = JSON.parse((await throughLoader(useSerializerModules)).stdout);
        assert.deepEqual(deferred.before, { compiler: false, treeReader: false });
        assert.deepEqual(deferred.after, { compiler: true, treeReader: true });
        assert.deepEqual(deferred.identifiers, [true, false]);
        assert.deepEqual(deferred.packages, plain.packages);
        // A runtime dependency: what a serialized closure would ship.
        assert.ok(plain.packages.includes("node_modules/zod"), plain.packages.join(", "));
    });

    it("reports a TypeScript syntax error with the file's name", async () => {
        const source = join(dir, "broken.ts");
        writeFileSync(source, "export const answer: = 42;\n");
        await assert.rejects(throughLoader(`require(${JSON.stringify(source)})`), (err: { stderr: string }) => {
            assert.match(err.stderr, /SyntaxError: .*broken\.ts: Type expected/);
            return true;
        });
    });

    it("registers a placeholder instead of the serialized certificate provider only when the plan asks", async () => {
        const declare = async (skip: boolean) => {
            const { stdout } = await run(process.execPath, ["-r", "ts-node/register/transpile-only", "tests/plan/children/declareCertificate.ts"], {
                cwd: projectRoot,
                env: { ...process.env, SKIP: skip ? "1" : "0" },
            });
            return JSON.parse(stdout) as { skipped: boolean; provider: string };
        };
        const skipped = await declare(true);
        assert.deepEqual(skipped, { skipped: true, provider: OFFLINE_PROVIDER_TEXT });
        const serialized = await declare(false);
        assert.equal(serialized.skipped, false);
        assert.match(serialized.provider, /create/);
        assert.ok(serialized.provider.length > 1000, "the real provider is serialized as code");
    });
});
