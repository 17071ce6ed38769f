import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parse } from "yaml";

/** A stack configuration file (`Pulumi.<stack>.yaml`) reduced to what a program sees. */
export interface StackConfigFile {
    readonly stack: string;
    /** `project:key` to the value as Pulumi passes it to programs: strings as-is, the rest as JSON. */
    readonly config: Record<string, string>;
}

/**
 * Reads a stack configuration file. Throws an Error whose message names the file and what is wrong
 * (the file is the path here, since the YAML has no config paths yet).
 */
export function readStackConfigFile(file: string): StackConfigFile {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (err) {
        throw new Error(`${file}: cannot read the stack configuration file (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
    }
    let document: unknown;
    try {
        document = parse(text);
    } catch (err) {
        throw new Error(`${file}: not valid YAML: ${(err as Error).message.split("\n")[0]}`);
    }
    const values = (document as { config?: unknown } | null)?.config ?? {};
    if (typeof values !== "object" || values === null || Array.isArray(values)) {
        throw new Error(`${file}: config must be a map of "project:key" to values.`);
    }
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(values)) {
        if (isSecureValue(value)) {
            // Encrypted values need the stack's secrets provider, which only the Pulumi CLI has.
            throw new Error(`${file}: ${key} is encrypted (secure:); the offline plan cannot decrypt it. Keep vendor-connections settings in plain text: none of them is secret.`);
        }
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return { stack: stackNameOf(file), config };
}

function isSecureValue(value: unknown): boolean {
    return typeof value === "object" && value !== null && Object.keys(value).length === 1 && "secure" in value;
}

function stackNameOf(file: string): string {
    const match = /^Pulumi\.(.+)\.ya?ml$/.exec(basename(file));
    return match ? match[1] : "plan";
}
