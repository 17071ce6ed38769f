// @ts-check
// A StrykerJS test runner for this project's mocha (12) on Node 20, used by `npm run mutation`.
//
// Why not @stryker-mutator/mocha-runner: its 9.x line (the last whose core runs on Node 20) loads
// mocha's command-line internals by their pre-12 file names (`mocha/lib/cli/options`), which
// mocha 12 ships as `.cjs` files, so it fails to start; its 10.x line reads mocha 12 but needs
// Node 22. This runner uses only mocha's public programmatic API (new Mocha, addFile,
// loadFilesAsync, grep, run, dispose), which mocha 12 keeps, so nothing in node_modules is patched.
//
// It scopes the tests per mutated file: `mochaScope.scope` maps groups of source files to the unit
// and property test files that exercise them, and a mutant is tested only by tests from its own
// group's files (among those that cover it, when coverage per test is known). A test elsewhere
// that happens to run the code does not count as pinning its behaviour.
//
// A static mutant (one that acts while a module loads: a constant, a module-level regular
// expression) needs the modules loaded again with it active. The runner does that itself, in the
// same process: it drops the project's own modules (not node_modules) from require's cache and
// loads the group's test files into a fresh Mocha, which costs a fraction of a new process.
import path from "node:path";
import { createRequire } from "node:module";
import Mocha from "mocha";
import { commonTokens, declareClassPlugin, PluginKind, tokens } from "@stryker-mutator/api/plugin";
import { INSTRUMENTER_CONSTANTS } from "@stryker-mutator/api/core";
import { DryRunStatus, TestStatus, determineHitLimitReached, toMutantRunResult } from "@stryker-mutator/api/test-runner";

const require = createRequire(import.meta.url);

/** @typedef {{ mutate: string[], tests: string[] }} ScopeGroup `mutate`: files, or folders ending in "/" */
/** @typedef {{ root: string, require?: string[], scope: ScopeGroup[] }} MochaScopeOptions `root`: the project, which mutant file names are under (tests run in a sandbox copy of it) */

/** Collects one run's test results from mocha's events. */
class ResultCollector {
    /** @type {import("@stryker-mutator/api/test-runner").TestResult[]} */
    tests = [];
    last = Date.now();

    /** @param {Mocha.Runner} runner */
    listen(runner) {
        runner.on("start", () => {
            this.tests = [];
            this.last = Date.now();
        });
        runner.on("pass", (test) => {
            const id = test.fullTitle();
            this.tests.push({ id, name: id, status: TestStatus.Success, timeSpentMs: this.elapsed(), fileName: test.file });
        });
        runner.on("fail", (test, err) => {
            const id = test.ctx?.currentTest?.fullTitle() ?? test.fullTitle();
            const message = err instanceof Error ? err.message || String(err.stack) : String(err);
            this.tests.push({ id, name: id, status: TestStatus.Failed, failureMessage: message, timeSpentMs: this.elapsed() });
        });
    }

    elapsed() {
        const now = Date.now();
        const spent = now - this.last;
        this.last = now;
        return spent;
    }
}

class ScopedMochaRunner {
    static inject = tokens(commonTokens.logger, commonTokens.options);

    /**
     * @param {import("@stryker-mutator/api/logging").Logger} log
     * @param {import("@stryker-mutator/api/core").StrykerOptions & { mochaScope: MochaScopeOptions }} options
     */
    constructor(log, options) {
        this.log = log;
        this.scope = options.mochaScope.scope;
        this.requires = options.mochaScope.require ?? [];
        this.root = options.mochaScope.root;
        /** @type {Map<string, Set<string>>} mutated file -> its group's absolute test files */
        this.scoped = new Map();
        /** @type {Record<string, any>} */
        const globals = globalThis;
        this.context = globals[INSTRUMENTER_CONSTANTS.NAMESPACE] ??= {};
        this.collector = new ResultCollector();
        /** @type {Mocha | undefined} */
        this.mocha = undefined;
        /** @type {Map<string, string>} test id (its full title) -> absolute test file */
        this.testFiles = new Map();
        /** @type {Set<string>} */
        this.loadedFiles = new Set();
        /** Whether the loaded modules were evaluated with a static mutant active. */
        this.tainted = false;
        /** @type {((title: string | undefined) => void) | undefined} */
        this.onTestStart = undefined;
    }

    capabilities() {
        // It reloads the project's modules itself (see above), so Stryker need not restart it.
        return Promise.resolve({ reloadEnvironment: true });
    }

    async init() {
        for (const module of this.requires) {
            require(path.isAbsolute(module) || module.startsWith(".") ? path.resolve(module) : require.resolve(module, { paths: [process.cwd()] }));
        }
        this.fresh();
    }

    /** A new Mocha with nothing loaded, after dropping the project's modules from require's cache. */
    fresh() {
        try {
            this.mocha?.dispose();
        } catch (error) {
            // A run still in progress (a timed-out mutant) cannot be disposed; it is dropped anyway.
            if (/** @type {{ code?: string }} */ (error).code !== "ERR_MOCHA_INSTANCE_ALREADY_RUNNING") {
                throw error;
            }
        }
        const project = process.cwd() + path.sep;
        for (const key of Object.keys(require.cache)) {
            if (key.startsWith(project) && !key.includes(`${path.sep}node_modules${path.sep}`)) {
                delete require.cache[key];
            }
        }
        const collector = this.collector;
        /** @type {any} */
        const reporter = function (/** @type {Mocha.Runner} */ runner) {
            collector.listen(runner);
        };
        const mocha = new Mocha({ reporter, timeout: 0 });
        mocha.cleanReferencesAfterRun(false);
        const self = this;
        mocha.suite.beforeEach(function () {
            self.onTestStart?.(this.currentTest?.fullTitle());
        });
        this.mocha = mocha;
        this.testFiles.clear();
        this.loadedFiles.clear();
        this.tainted = false;
    }

    /** @param {import("@stryker-mutator/api/test-runner").DryRunOptions} options */
    async dryRun({ coverageAnalysis, disableBail }) {
        if (coverageAnalysis === "perTest") {
            this.onTestStart = (title) => {
                this.context.currentTestId = title;
            };
        }
        let result;
        try {
            await this.load(this.scope.flatMap((group) => group.tests).map((file) => path.resolve(file)));
            result = await this.run(disableBail, undefined);
        } catch (error) {
            result = failure(error);
        }
        this.onTestStart = undefined;
        if (result.status === DryRunStatus.Complete && coverageAnalysis !== "off") {
            return { ...result, mutantCoverage: this.context.mutantCoverage };
        }
        return result;
    }

    /** @param {import("@stryker-mutator/api/test-runner").MutantRunOptions} options */
    async mutantRun({ activeMutant, testFilter, disableBail, hitLimit, mutantActivation }) {
        this.context.hitLimit = hitLimit;
        this.context.hitCount = hitLimit === undefined ? undefined : 0;
        const inScope = this.testFilesFor(activeMutant.fileName);
        const isStatic = mutantActivation === "static";
        try {
            if (isStatic || this.tainted) {
                this.fresh();
            }
            this.context.activeMutant = isStatic ? activeMutant.id : undefined;
            await this.load([...inScope]);
            this.tainted = isStatic;
        } catch (error) {
            this.tainted = true;
            return toMutantRunResult(failure(error));
        }
        const candidates = testFilter ?? [...this.testFiles.keys()];
        const ids = candidates.filter((id) => {
            const file = this.testFiles.get(id);
            return file !== undefined && inScope.has(file);
        });
        if (ids.length === 0) {
            return toMutantRunResult({ status: DryRunStatus.Complete, tests: [] });
        }
        this.mocha?.grep(new RegExp(ids.map((id) => `^${escapeRegExp(id)}$`).join("|")));
        return toMutantRunResult(await this.run(disableBail, activeMutant.id));
    }

    /**
     * The absolute test files of the scope group(s) whose `mutate` entries (a file, or a folder
     * ending in "/", relative to the project) hold `fileName`.
     * @param {string} fileName
     */
    testFilesFor(fileName) {
        const known = this.scoped.get(fileName);
        if (known !== undefined) {
            return known;
        }
        const relative = path.relative(this.root, fileName).split(path.sep).join("/");
        /** @type {Set<string>} */
        const files = new Set();
        this.scoped.set(fileName, files);
        for (const group of this.scope) {
            if (group.mutate.some((prefix) => (prefix.endsWith("/") ? relative.startsWith(prefix) : relative === prefix))) {
                group.tests.forEach((file) => files.add(path.resolve(file)));
            }
        }
        if (files.size === 0) {
            this.log.warn(`No test files are scoped for ${relative}; its mutants survive untested.`);
        }
        return files;
    }

    /**
     * Loads those of `files` that this Mocha has not loaded yet, and records which file each test
     * is in, for the scoping.
     * @param {string[]} files absolute paths
     */
    async load(files) {
        const mocha = /** @type {Mocha} */ (this.mocha);
        const fresh = [...new Set(files)].filter((file) => !this.loadedFiles.has(file));
        if (fresh.length === 0) {
            return;
        }
        mocha.files = fresh;
        await mocha.loadFilesAsync();
        fresh.forEach((file) => this.loadedFiles.add(file));
        /** @param {Mocha.Suite} suite */
        const visit = (suite) => {
            for (const test of suite.tests) {
                if (test.file !== undefined) {
                    this.testFiles.set(test.fullTitle(), test.file);
                }
            }
            suite.suites.forEach(visit);
        };
        visit(mocha.suite);
    }

    /**
     * @param {boolean} disableBail
     * @param {string | undefined} activeMutantId
     * @returns {Promise<import("@stryker-mutator/api/test-runner").DryRunResult>}
     */
    async run(disableBail, activeMutantId) {
        const mocha = /** @type {Mocha} */ (this.mocha);
        setBail(mocha.suite, !disableBail);
        this.context.activeMutant = activeMutantId;
        forgetKeptState();
        await new Promise((resolve) => mocha.run(() => resolve(undefined)));
        const timedOut = determineHitLimitReached(this.context.hitCount, this.context.hitLimit);
        return timedOut ?? { status: DryRunStatus.Complete, tests: this.collector.tests };
    }

    async dispose() {
        try {
            this.mocha?.dispose();
        } catch (error) {
            if (/** @type {{ code?: string }} */ (error).code !== "ERR_MOCHA_INSTANCE_ALREADY_RUNNING") {
                throw error;
            }
        }
    }
}

/**
 * Clears what the project keeps across calls in a loaded module, so that a mutant is judged by
 * what it computes now: planConnection keeps its judgements by value, and one made by the
 * unmutated code (or by another mutant) would otherwise be given back under this mutant.
 */
function forgetKeptState() {
    const validation = path.join(process.cwd(), "components", "vendorConnection", "validation.ts");
    const loaded = require.cache[validation];
    if (loaded !== undefined && typeof loaded.exports.forgetJudgements === "function") {
        loaded.exports.forgetJudgements();
    }
}

/**
 * @param {unknown} error
 * @returns {import("@stryker-mutator/api/test-runner").ErrorDryRunResult}
 */
function failure(error) {
    return { status: DryRunStatus.Error, errorMessage: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}

/** @param {Mocha.Suite} suite @param {boolean} bail */
function setBail(suite, bail) {
    suite.bail(bail);
    suite.suites.forEach((child) => setBail(child, bail));
}

/** @param {string} text */
function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, "scoped-mocha", ScopedMochaRunner)];

export const strykerValidationSchema = {
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object",
    properties: {
        mochaScope: {
            type: "object",
            description: "Test files per group of mutated files, and modules to require first (ts-node).",
            properties: {
                root: { type: "string" },
                require: { type: "array", items: { type: "string" } },
                scope: {
                    type: "array",
                    items: {
                        type: "object",
                        properties: {
                            mutate: { type: "array", items: { type: "string" } },
                            tests: { type: "array", items: { type: "string" } },
                        },
                        required: ["mutate", "tests"],
                        additionalProperties: false,
                    },
                },
            },
            required: ["root", "scope"],
            additionalProperties: false,
        },
    },
};
