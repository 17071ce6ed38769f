import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import * as ts from "typescript";

// A consumer's project, as Pulumi's dynamic provider host finds it: a directory outside this
// repository whose node_modules holds vendor-connections, its compiled runtimes reachable only
// through the package's `exports` (./sweep-provider-runtime, ./vault-key-provider-runtime), and
// the package's dependencies nested under it, out of the project's reach; only the peer
// dependencies (the Pulumi SDKs) are the project's own. The package is this repository's
// components/, transpiled file by file (no type check: `npm test` type-checks it), which takes a
// fraction of `npm run build`. Linking exactly package.json's `dependencies` makes a runtime that
// loads an undeclared package fail here as it would for a consumer.

const repositoryRoot = resolve(__dirname, "../..");

export interface RuntimeProject {
    /** The project directory: where the host runs, its working directory. */
    readonly dir: string;
    /** Where the package is installed in it: a path inside node_modules, as Pulumi's serializer sees a consumer's. */
    readonly packageDir: string;
    remove(): Promise<void>;
}

interface PackageJson {
    name: string;
    exports: Record<string, unknown>;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
}

export async function runtimeProject(): Promise<RuntimeProject> {
    const dir = await realpath(await mkdtemp(join(tmpdir(), "vendor-connections-project-")));
    if (!relative(repositoryRoot, dir).startsWith("..")) {
        throw new Error(`${dir} is inside the repository`);
    }
    const packageDir = join(dir, "node_modules", "vendor-connections");
    const manifest = JSON.parse(await readFile(join(repositoryRoot, "package.json"), "utf8")) as PackageJson;
    await mkdir(packageDir, { recursive: true });
    await writeFile(join(packageDir, "package.json"), JSON.stringify({ name: manifest.name, exports: manifest.exports }));
    await Promise.all((await librarySources()).map((file) => transpileInto(packageDir, file)));
    await linkPackages(Object.keys(manifest.dependencies ?? {}), join(packageDir, "node_modules"));
    await linkPackages(Object.keys(manifest.peerDependencies ?? {}), join(dir, "node_modules"));
    return { dir, packageDir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Sets `hooks` (a runtime's options globals) and moves into the project, as the host runs there. Returns the undo. */
export function hostIn(project: RuntimeProject, hooks: Readonly<Record<symbol, unknown>>): () => void {
    const globals = globalThis as unknown as Record<symbol, unknown>;
    const symbols = Object.getOwnPropertySymbols(hooks);
    for (const symbol of symbols) {
        globals[symbol] = hooks[symbol];
    }
    const cwd = process.cwd();
    process.chdir(project.dir);
    return () => {
        process.chdir(cwd);
        for (const symbol of symbols) {
            delete globals[symbol];
        }
    };
}

/** Every TypeScript source of the library, as `npm run build` compiles it. */
async function librarySources(): Promise<string[]> {
    const entries = await readdir(join(repositoryRoot, "components"), { recursive: true });
    return entries.filter((entry) => entry.endsWith(".ts")).map((entry) => join("components", entry));
}

async function transpileInto(packageDir: string, file: string): Promise<void> {
    const output = ts.transpileModule(await readFile(join(repositoryRoot, file), "utf8"), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        fileName: file,
    }).outputText;
    const target = join(packageDir, "dist", relative("components", file).replace(/\.ts$/, ".js"));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, output);
}

/** Links each package, by its real path, from this repository's node_modules into `into`. */
async function linkPackages(names: readonly string[], into: string): Promise<void> {
    for (const name of names) {
        const link = join(into, name);
        await mkdir(dirname(link), { recursive: true });
        await symlink(await realpath(join(repositoryRoot, "node_modules", name)), link, "dir");
    }
}
