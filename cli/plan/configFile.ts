import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parse } from "yaml";
import { PROJECT } from "../config/stackConfig";

/** A stack configuration file (`Pulumi.<stack>.yaml`) reduced to what a program sees. */
export interface StackConfigFile {
    readonly stack: string;
    /** `project:key` to the value as Pulumi passes it to programs: strings as-is, the rest as JSON. */
    readonly config: Record<string, string>;
}

/**
 * What the offline plan puts in place of an encrypted `connections.<name>.notify.webhookUrl`, so
 * the connection validates and plans like one with a plain webhook. The `.invalid` top-level
 * domain is reserved (RFC 2606), so no real webhook has this host: the report recognises it and
 * shows the webhook as encrypted instead.
 */
export const ENCRYPTED_WEBHOOK_PLACEHOLDER = "https://encrypted.invalid/";

/** The one setting of this library that may be encrypted, as `pulumi config set --path` names it. */
const ENCRYPTABLE = `${PROJECT}:connections.<name>.notify.webhookUrl`;

/**
 * Reads a stack configuration file. Throws an Error whose message names the file and what is wrong;
 * an encrypted value other than a webhook URL is named by its full config path.
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
    const encrypted: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        const plain = replaceEncrypted(value, key, [], encrypted);
        config[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
    }
    if (encrypted.length > 0) {
        throw new Error(encrypted.map((path) => `${file}: ${cannotDecrypt(path)}`).join("\n"));
    }
    return { stack: stackNameOf(file), config };
}

/**
 * `value` (of config key `key`, at `segments` below it) with an encrypted webhook URL replaced by
 * the placeholder. Every other encrypted value is added to `encrypted` by its full config path.
 */
function replaceEncrypted(value: unknown, key: string, segments: readonly (string | number)[], encrypted: string[]): unknown {
    if (isSecureValue(value)) {
        if (isEncryptableWebhook(key, segments)) {
            return ENCRYPTED_WEBHOOK_PLACEHOLDER;
        }
        encrypted.push(configPath(key, segments));
        return value;
    }
    if (Array.isArray(value)) {
        return value.map((item, i) => replaceEncrypted(item, key, [...segments, i], encrypted));
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceEncrypted(v, key, [...segments, k], encrypted)]));
    }
    return value;
}

// `pulumi config set --path --secret 'vendor-connections:connections.<name>.notify.webhookUrl'`
// writes exactly this shape; a webhook may carry an access key in its query (e.g. Azure
// Functions' `?code=`), so it is the one setting that may be a secret.
function isEncryptableWebhook(key: string, segments: readonly (string | number)[]): boolean {
    return key === `${PROJECT}:connections` && segments.length === 3 && typeof segments[0] === "string" && segments[1] === "notify" && segments[2] === "webhookUrl";
}

function cannotDecrypt(path: string): string {
    const why = `${path} is encrypted (secure:), which the offline plan cannot decrypt: only the Pulumi CLI has the stack's secrets provider.`;
    if (path.startsWith(`${PROJECT}:`)) {
        return `${why} Only ${ENCRYPTABLE} may be encrypted; no other ${PROJECT} setting is secret, ` + `so set this one in plain text: pulumi config set --path '${path}' <value>`;
    }
    // Another package's setting (a provider credential, say) may well be secret: do not advise
    // storing it in plain text. The plan runs no provider, so it does not need the value.
    return `${why} The plan runs no provider and accepts an encrypted value only at ${ENCRYPTABLE}: plan a copy of this file without ${path}.`;
}

/** The path `pulumi config set --path` takes for `segments` below config key `key`. */
function configPath(key: string, segments: readonly (string | number)[]): string {
    return key + segments.map((segment) => (typeof segment === "number" ? `[${segment}]` : /^[^.[\]"]+$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`)).join("");
}

// As Pulumi reads a stack file: a map whose only key is `secure`, holding the ciphertext.
function isSecureValue(value: unknown): boolean {
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { secure?: unknown }).secure === "string";
}

function stackNameOf(file: string): string {
    const match = /^Pulumi\.(.+)\.ya?ml$/.exec(basename(file));
    return match ? match[1] : "plan";
}
