// @ts-check
"use strict";
// `npm run plan` loads the example stack's TypeScript through this require hook instead of ts-node,
// to start fast (docs/architecture.md#offline-plan-engine-and-loader). Each file is transpiled once
// with TypeScript's transpileModule (no type checking: `npm test` and CI type-check the project)
// and the JavaScript is kept in node_modules/.cache, keyed by a hash of everything that decides the
// output: the source, tsconfig.json, the TypeScript version and this file. A later run with nothing
// changed reads the cached JavaScript and never loads the TypeScript compiler (about 0.5 s here);
// an edited file gets a new key, so the cache cannot serve stale code.
// Plain JavaScript because it is what makes TypeScript loadable. Why not a library: tsx (esbuild,
// with its own cache) planned the example stack in 1.05 s against 0.62 s through this file, and
// ts-node has no cache at all.

const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { dirname, join, resolve } = require("node:path");

const projectRoot = resolve(__dirname, "..", "..");
const cacheDir = process.env.VENDOR_CONNECTIONS_TRANSPILE_CACHE || join(projectRoot, "node_modules", ".cache", "vendor-connections", "transpiled");
const tsconfigPath = join(projectRoot, "tsconfig.json");
const typescriptVersion = JSON.parse(readFileSync(require.resolve("typescript/package.json", { paths: [projectRoot] }), "utf8")).version;
/** Everything but the source that changes what a file transpiles to. */
const settingsKey = createHash("sha256").update(readFileSync(tsconfigPath)).update(typescriptVersion).update(readFileSync(__filename)).digest();

/** @type {typeof import("typescript") | undefined} */
let ts;
/** @type {import("typescript").CompilerOptions | undefined} */
let compilerOptions;

require.extensions[".ts"] = function loadTypeScript(module, filename) {
    const source = readFileSync(filename, "utf8");
    /** @type {Module & { _compile(code: string, filename: string): void }} */ (module)._compile(transpiled(source, filename), filename);
};

/** @typedef {import("node:module")} Module */

/**
 * @param {string} source
 * @param {string} filename
 * @returns {string}
 */
function transpiled(source, filename) {
    const key = createHash("sha256").update(settingsKey).update(filename).update("\0").update(source).digest("hex");
    const cached = join(cacheDir, `${key}.js`);
    try {
        return readFileSync(cached, "utf8");
    } catch {
        // Not cached yet: transpile below.
    }
    const code = transpile(source, filename);
    try {
        // Written whole under a temporary name, then renamed: a plan running at the same time
        // reads either nothing or the complete file.
        mkdirSync(dirname(cached), { recursive: true });
        const partial = `${cached}.${process.pid}.tmp`;
        writeFileSync(partial, code);
        renameSync(partial, cached);
    } catch {
        // A read-only checkout still plans, only without the cache.
    }
    return code;
}

/**
 * @param {string} source
 * @param {string} filename
 * @returns {string}
 */
function transpile(source, filename) {
    ts ??= /** @type {typeof import("typescript")} */ (require(require.resolve("typescript", { paths: [projectRoot] })));
    compilerOptions ??= projectCompilerOptions(ts);
    const result = ts.transpileModule(source, { fileName: filename, compilerOptions, reportDiagnostics: true });
    const errors = (result.diagnostics ?? []).filter((d) => d.category === ts?.DiagnosticCategory.Error);
    if (errors.length > 0) {
        throw new SyntaxError(`${filename}: ${ts.flattenDiagnosticMessageText(errors[0].messageText, "\n")}`);
    }
    return result.outputText;
}

/**
 * tsconfig.json's compiler options, as ts-node would apply them, minus what only matters for
 * emitting files (declarations, outDir) or for type checking.
 * @param {typeof import("typescript")} ts
 * @returns {import("typescript").CompilerOptions}
 */
function projectCompilerOptions(ts) {
    const { config, error } = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
    if (error) {
        throw new Error(`${tsconfigPath}: ${ts.flattenDiagnosticMessageText(error.messageText, "\n")}`);
    }
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, projectRoot);
    return { ...options, declaration: false, sourceMap: false, inlineSourceMap: false, noEmit: false, outDir: undefined };
}
