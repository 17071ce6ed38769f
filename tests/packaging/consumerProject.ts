import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";

// A throwaway project that depends on vendor-connections the way another team's stack would: the
// package as `npm pack` makes it, unpacked into node_modules/vendor-connections, and nothing of
// this repository but the packages the tarball's package.json declares: its dependencies, and its
// peer dependencies (the Pulumi SDK and the two provider SDKs), which the consumer declares and
// installs as its own, at the versions this repository develops with.
//
// Those packages are symlinked from this repository's node_modules rather than installed:
// @pulumi/azure-native alone unpacks to 136 MB, and `npm install <tarball> --offline` needs
// registry metadata that `npm ci` does not leave in the cache. A symlinked package resolves its
// own dependencies from its real path, while the library's files, which live in the consumer,
// see only what the tarball declares: an import of an undeclared package fails here as it
// would for a real consumer.

const run = promisify(execFile);

export const REPOSITORY = resolve(__dirname, "..", "..");
const TSC = require.resolve("typescript/bin/tsc");

export interface ConsumerProject {
    readonly root: string;
    /** The packed package.json, as consumers receive it. */
    readonly packageJson: { name: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
    /** The consumer's own package.json: the tarball, and a version of each peer dependency. */
    readonly consumerPackageJson: { dependencies: Record<string, string> };
}

/** Packs this repository (npm's `prepack` builds dist/) and sets up a consumer project in `workspace`. */
export async function createConsumerProject(workspace: string): Promise<ConsumerProject> {
    const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", workspace], { cwd: REPOSITORY, maxBuffer: 16 * 1024 * 1024 });
    const tarball = join(workspace, stdout.trim().split("\n").pop()!);
    await run("tar", ["-xzf", tarball, "-C", workspace]);

    const root = join(workspace, "consumer");
    const installed = join(root, "node_modules", "vendor-connections");
    mkdirSync(dirname(installed), { recursive: true });
    renameSync(join(workspace, "package"), installed);
    const packageJson = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));

    // The peers are the consumer's own dependencies, at the versions installed here; @types/node
    // is its own dev dependency, as in any TypeScript project.
    const peers = Object.keys(packageJson.peerDependencies ?? {});
    for (const dependency of [...Object.keys(packageJson.dependencies ?? {}), ...peers, "@types/node"]) {
        const link = join(root, "node_modules", dependency);
        mkdirSync(dirname(link), { recursive: true });
        symlinkSync(join(REPOSITORY, "node_modules", dependency), link, "dir");
    }
    const consumerPackageJson = {
        name: "consumer",
        private: true,
        dependencies: {
            [packageJson.name]: `file:${tarball}`,
            ...Object.fromEntries(peers.map((peer) => [peer, readJson(join(REPOSITORY, "node_modules", peer, "package.json")).version])),
        },
    };
    writeJson(join(root, "package.json"), consumerPackageJson);
    return { root, packageJson, consumerPackageJson };
}

/** A package as installed: its name and version, and its real directory (a symlink's target). */
export interface InstalledPackage {
    readonly name: string;
    readonly version: string;
    readonly dir: string;
}

/**
 * Every package the consumer's program can load: its dependencies, found as Node finds them,
 * and theirs (dependencies, optional and peer dependencies that are present), one entry per real
 * directory. A symlinked package's own dependencies are looked up from its real path, as Node does.
 */
export function installedPackages(project: ConsumerProject): InstalledPackage[] {
    const found = new Map<string, InstalledPackage>();
    const pending = [project.root];
    while (pending.length > 0) {
        const dir = pending.pop()!;
        const manifest = readJson(join(dir, "package.json"));
        for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies })) {
            const installed = findPackage(name, dir);
            if (installed !== undefined && !found.has(installed)) {
                found.set(installed, { name, version: readJson(join(installed, "package.json")).version, dir: installed });
                pending.push(installed);
            }
        }
    }
    return [...found.values()];
}

/** The real directory of package `name` as Node resolves it for a module in `from`, if any. */
export function findPackage(name: string, from: string): string | undefined {
    for (let dir = realpathSync(from); ; dir = dirname(dir)) {
        const candidate = join(dir, "node_modules", name);
        if (existsSync(join(candidate, "package.json"))) {
            return realpathSync(candidate);
        }
        if (dir === dirname(dir)) {
            return undefined;
        }
    }
}

/** Copies a file of tests/packaging/consumer into the consumer project. */
export function addFixture(project: ConsumerProject, fixture: string): void {
    cpSync(join(__dirname, "consumer", fixture), join(project.root, fixture));
}

export function addFile(project: ConsumerProject, file: string, text: string): void {
    writeFileSync(join(project.root, file), text);
}

/**
 * Type-checks (and, with an outDir, compiles) `files` with this repository's TypeScript, as a
 * strict consumer would. `moduleResolution` decides how the import is resolved: "node16" follows
 * package.json `exports`, "node10" only `main` and `types`.
 */
export async function compile(project: ConsumerProject, files: readonly string[], moduleResolution: "node16" | "node10", outDir?: string): Promise<void> {
    const config = `tsconfig.${moduleResolution}.json`;
    writeJson(join(project.root, config), {
        compilerOptions: {
            strict: true,
            target: "ES2022",
            module: moduleResolution === "node16" ? "node16" : "commonjs",
            moduleResolution,
            types: ["node"],
            // As Pulumi's TypeScript templates set it: dependencies' own .d.ts files are not checked.
            skipLibCheck: true,
            ...(outDir === undefined ? { noEmit: true } : { outDir }),
        },
        files,
    });
    await runTool(project, process.execPath, [TSC, "-p", config]);
}

/** Runs a compiled consumer program with plain Node (no TypeScript hooks); returns its stdout. */
export async function runProgram(project: ConsumerProject, file: string): Promise<string> {
    return runTool(project, process.execPath, [file]);
}

async function runTool(project: ConsumerProject, command: string, args: readonly string[]): Promise<string> {
    try {
        const { stdout } = await run(command, args, { cwd: project.root, maxBuffer: 16 * 1024 * 1024 });
        return stdout;
    } catch (err) {
        const failure = err as { stdout?: string; stderr?: string; message: string };
        throw new Error(`${args.join(" ")} failed in the consumer project:\n${failure.stdout ?? ""}${failure.stderr ?? failure.message}`);
    }
}

function readJson(file: string): any {
    return JSON.parse(readFileSync(file, "utf8"));
}

function writeJson(file: string, value: unknown): void {
    writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
