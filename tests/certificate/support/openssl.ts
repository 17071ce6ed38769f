import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Runs the openssl CLI, an independent client of what the engine produces. On failure the error
 * carries openssl's stderr only: stdout may hold key material (e.g. `pkcs12 -nodes`) and must never
 * reach test output. `pkcs12 -info` reports the PKCS#12 structure on stderr, hence `output`.
 */
export async function openssl(args: readonly string[], output: "stdout" | "stderr" = "stdout"): Promise<string> {
    try {
        const result = await run("openssl", [...args], { maxBuffer: 4 * 1024 * 1024 });
        return result[output];
    } catch (err) {
        const stderr = (err as { stderr?: unknown }).stderr;
        throw new Error(`openssl ${args[0]} failed: ${typeof stderr === "string" ? stderr.trim() : "no stderr"}`);
    }
}

/** Runs `use` with a fresh private directory, and removes it with everything in it afterwards. */
export async function withPrivateDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), "vendor-connections-cert-"));
    try {
        return await use(dir);
    } finally {
        await rm(dir, { recursive: true, force: true });
    }
}

/** Writes a file only its owner can read (0600), refusing to overwrite one. */
export async function writePrivateFile(dir: string, name: string, data: string | Buffer): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, data, { mode: 0o600, flag: "wx" });
    return path;
}
