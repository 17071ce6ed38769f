import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest, type HttpClient } from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/identity";
import { z } from "zod";
import { deployingIdentityCredential } from "../../components/graph/credential";
import type { GraphClientOptions } from "../../components/graph/client";
import { resolveGraphEndpoints } from "../../components/graph/endpoints";
import { processGraphLimiter } from "../../components/graph/limiter";
import { DEFAULT_GRAPH_RETRY, GraphPipeline, createGraphPipeline } from "../../components/graph/pipeline";
import { toRfc3339 } from "../../components/time";

// What the vault holds for the connections, read without reading a secret's value or a private key:
//   - Get Secrets lists each secret's current version with its attributes and tags only
//     (https://learn.microsoft.com/rest/api/keyvault/secrets/get-secrets/get-secrets); the stack
//     tags a certificate connection's secret with the thumbprint it holds (thumbprintSha1), or
//     state: suspended;
//   - Get Key Versions lists a key's versions, each its kid, attributes (enabled, exp) and tags, in
//     pages of up to 25 linked by nextLink
//     (https://learn.microsoft.com/rest/api/keyvault/keys/get-key-versions/get-key-versions); the
//     stack tags a vault-key connection's versions with their certificate's x5t-S256.
// Both need metadata only: the built-in role Key Vault Reader on the vault, whose data actions
// (Microsoft.KeyVault/vaults/*/read, .../secrets/readMetadata/action) include listing keys and
// secrets' properties but no secret value and no private key
// (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security#key-vault-reader).
// Requests go through the same pipeline as Graph's (retries, Retry-After, timeout, the process's 8
// requests in flight).

const API_VERSION = "7.4";
const MAX_PAGES = 1000;

export interface PublishedSecret {
    readonly enabled: boolean;
    readonly tags: Readonly<Record<string, string>>;
}

/** One version of a key, as Get Key Versions lists it: no key material. */
export interface KeyVersionMetadata {
    /** The versioned key id, `https://<vault>/keys/<name>/<version>`. */
    readonly keyId: string;
    readonly enabled: boolean;
    /** RFC 3339 end of the version's validity (`exp`); null when it has none. */
    readonly expires: string | null;
    readonly tags: Readonly<Record<string, string>>;
}

const tags = z.record(z.string(), z.string()).nullish();
const secretItem = z.object({ id: z.string(), attributes: z.object({ enabled: z.boolean().optional() }).optional(), tags });
const keyVersionItem = z.object({ kid: z.string(), attributes: z.object({ enabled: z.boolean().optional(), exp: z.number().optional() }).optional(), tags });

/** Key Vault refused or could not be read: says which vault and what to grant or fix. `status` is Key Vault's answer, when it gave one. */
export class VaultReadError extends Error {
    constructor(
        message: string,
        readonly status?: number,
    ) {
        super(message);
        this.name = "VaultReadError";
    }
}

export type VaultReaderOptions = Pick<GraphClientOptions, "credential" | "agent" | "limiter" | "requestTimeoutMs" | "retry">;

export class VaultMetadataReader {
    private readonly origin: string;
    private readonly vault: GraphPipeline;
    private readonly httpClient: HttpClient = createDefaultHttpClient();

    /** `vaultUri` as the stack exports it (https://<name>.vault.azure.net/); options as the Graph client's, for the same process-wide limits. */
    constructor(vaultUri: string, options: VaultReaderOptions = {}) {
        const url = new URL(vaultUri);
        if (url.protocol !== "https:") {
            throw new VaultReadError(`vaultUri ${JSON.stringify(vaultUri)} is not https.`);
        }
        this.origin = url.origin;
        const credential: TokenCredential = options.credential ?? deployingIdentityCredential(resolveGraphEndpoints());
        this.vault = createGraphPipeline({
            credential,
            scope: vaultScope(url),
            attemptTimeoutMs: options.requestTimeoutMs ?? 30_000,
            retry: { ...DEFAULT_GRAPH_RETRY, ...options.retry },
            limiter: options.limiter ?? processGraphLimiter(),
            agent: options.agent,
        });
    }

    /** Each secret's current version, by name in lower case: enabled, and its tags. Never a value. */
    async publishedSecrets(): Promise<Map<string, PublishedSecret>> {
        const items = await this.list(`${this.origin}/secrets?api-version=${API_VERSION}`, "its secrets", secretItem);
        return new Map(
            items.map((item) => [
                decodeURIComponent(new URL(item.id).pathname.split("/")[2] ?? "").toLowerCase(),
                { enabled: item.attributes?.enabled ?? true, tags: item.tags ?? {} },
            ]),
        );
    }

    /** Every version of key `keyName`, enabled or not, with its tags; null when the vault has no such key. Never key material. */
    async keyVersions(keyName: string): Promise<KeyVersionMetadata[] | null> {
        let items: z.infer<typeof keyVersionItem>[];
        try {
            items = await this.list(`${this.origin}/keys/${encodeURIComponent(keyName)}/versions?api-version=${API_VERSION}`, `the versions of key ${keyName}`, keyVersionItem);
        } catch (err) {
            // KeyNotFound: the key does not exist (or only as a deleted key).
            if (err instanceof VaultReadError && err.status === 404) {
                return null;
            }
            throw err;
        }
        // A key whose name lists nothing is as good as absent: every key has at least one version.
        return items.length === 0
            ? null
            : items.map((item) => ({
                  keyId: item.kid,
                  enabled: item.attributes?.enabled ?? true,
                  expires: item.attributes?.exp === undefined ? null : toRfc3339(new Date(item.attributes.exp * 1000)),
                  tags: item.tags ?? {},
              }));
    }

    /** Every item of a listing, following its nextLinks within this vault. */
    private async list<T>(first: string, what: string, item: z.ZodType<T>): Promise<T[]> {
        const page = z.object({ value: z.array(item), nextLink: z.string().nullish() });
        const items: T[] = [];
        let url = first;
        for (let count = 1; count <= MAX_PAGES; count++) {
            const parsed = page.safeParse(await this.get(url, what));
            if (!parsed.success) {
                throw new VaultReadError(`${this.origin} answered the listing of ${what} with an unexpected shape (${parsed.error.issues[0].message}).`);
            }
            items.push(...parsed.data.value);
            const next = parsed.data.nextLink;
            if (!next) {
                return items;
            }
            // The token goes only to this vault.
            if (new URL(next).origin !== this.origin) {
                throw new VaultReadError(`${this.origin} answered with a nextLink to another host; the token is not sent there.`);
            }
            url = next;
        }
        throw new VaultReadError(`the listing of ${what} in ${this.origin} goes on past ${MAX_PAGES} pages.`);
    }

    private async get(url: string, what: string): Promise<unknown> {
        const request = createPipelineRequest({ url, method: "GET", headers: createHttpHeaders({ Accept: "application/json" }) });
        let status: number;
        let text: string | undefined;
        try {
            const response = await this.vault.pipeline.sendRequest(this.httpClient, request);
            status = response.status;
            text = response.bodyAsText ?? undefined;
        } catch (err) {
            throw new VaultReadError(`Key Vault ${this.origin} could not be reached: ${err instanceof Error ? err.message : String(err)}.`);
        }
        if (status === 200) {
            return text ? JSON.parse(text) : undefined;
        }
        if (status === 401 || status === 403) {
            throw new VaultReadError(
                `Key Vault ${this.origin} refused to list ${what} (${status}): the identity running verify needs the role Key Vault Reader on the vault ` +
                    "(metadata only, never a secret's value or a private key), and its network must be admitted by the vault's firewall (vault.allowedIpRanges).",
                status,
            );
        }
        throw new VaultReadError(`Key Vault ${this.origin} answered ${status} to the listing of ${what}.`, status);
    }
}

/** Key Vault's token audience in the vault's cloud: its DNS suffix (https://vault.azure.net for *.vault.azure.net). */
function vaultScope(url: URL): string {
    const labels = url.hostname.split(".");
    const isName = labels.length > 2 && !/^\d+$/.test(labels[labels.length - 1]);
    return `${isName ? `https://${labels.slice(1).join(".")}` : url.origin}/.default`;
}
