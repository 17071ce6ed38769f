import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import type { Agent } from "node:https";
import * as ts from "typescript";
import { ConcurrencyLimiter } from "../../components/graph/limiter";
import { GRAPH_OPTIONS_GLOBAL } from "../../components/sweep/providerRuntime";
import type { GraphStandIn } from "./graphStandIn";

// A consumer's project, as Pulumi's dynamic provider host finds it: a directory outside this
// repository whose node_modules holds vendor-connections with its compiled runtime, reachable only
// through the package's `exports` (./sweep-provider-runtime), and the package's own dependencies
// nested under it, out of the project's reach. The runtime is this repository's TypeScript,
// transpiled file by file (no type check: `npm test` type-checks it), which takes a fraction of
// `npm run build`.

const repositoryRoot = resolve(__dirname, "../..");
/** What the runtime entry reaches: the Graph client, the sweep, and the error types they share. */
const RUNTIME_SOURCES = ["components/errors.ts", "components/graph", "components/sweep"];
/** Program-side modules: they load @pulumi/pulumi, which the provider host never needs. */
const LEFT_OUT = new Set(["components/sweep/resource.ts", "components/sweep/index.ts", "components/graph/index.ts"]);
/** The runtime's third-party dependencies, linked from this repository's node_modules. */
const DEPENDENCIES = ["@azure", "zod"];

export interface SweepRuntimeProject {
    /** The project directory: where the host runs, its working directory. */
    readonly dir: string;
    remove(): Promise<void>;
}

export async function sweepRuntimeProject(): Promise<SweepRuntimeProject> {
    const dir = await realpath(await mkdtemp(join(tmpdir(), "vendor-connections-project-")));
    const fromRepository = relative(repositoryRoot, dir);
    if (!fromRepository.startsWith("..")) {
        throw new Error(`${dir} is inside the repository`);
    }
    const packageDir = join(dir, "node_modules", "vendor-connections");
    const { name, exports } = JSON.parse(await readFile(join(repositoryRoot, "package.json"), "utf8")) as { name: string; exports: Record<string, unknown> };
    await mkdir(join(packageDir, "node_modules"), { recursive: true });
    await writeFile(join(packageDir, "package.json"), JSON.stringify({ name, exports }));
    for (const file of await sourceFiles()) {
        const output = ts.transpileModule(await readFile(join(repositoryRoot, file), "utf8"), {
            compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
            fileName: file,
        }).outputText;
        const target = join(packageDir, "dist", relative("components", file).replace(/\.ts$/, ".js"));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, output);
    }
    for (const dependency of DEPENDENCIES) {
        await symlink(await realpath(join(repositoryRoot, "node_modules", dependency)), join(packageDir, "node_modules", dependency), "dir");
    }
    return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

async function sourceFiles(): Promise<string[]> {
    const files: string[] = [];
    for (const source of RUNTIME_SOURCES) {
        if (source.endsWith(".ts")) {
            files.push(source);
            continue;
        }
        for (const entry of await readdir(join(repositoryRoot, source))) {
            const file = `${source}/${entry}`;
            if (entry.endsWith(".ts") && !LEFT_OUT.has(file)) {
                files.push(file);
            }
        }
    }
    return files;
}

/**
 * Runs the sweep's provider, in this process, as the host would in `project` against the stand-in
 * Graph: the working directory becomes the project's, and the runtime's Graph client options global
 * points at the stand-in (its origin, its token, an agent trusting its CA). Returns the undo.
 */
export function hostSweepsIn(project: SweepRuntimeProject, standIn: GraphStandIn, agent: Agent): () => void {
    const globals = globalThis as unknown as Record<symbol, unknown>;
    globals[GRAPH_OPTIONS_GLOBAL] = { endpoints: { graph: standIn.origin }, credential: standIn.credential(), agent, limiter: new ConcurrencyLimiter(8), retry: { maxRetries: 1 } };
    const cwd = process.cwd();
    process.chdir(project.dir);
    return () => {
        process.chdir(cwd);
        delete globals[GRAPH_OPTIONS_GLOBAL];
    };
}
