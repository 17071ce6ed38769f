import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest, type HttpClient } from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/identity";
import { z } from "zod";
import { deployingIdentityCredential } from "../../components/graph/credential";
import type { GraphClientOptions } from "../../components/graph/client";
import { resolveGraphEndpoints } from "../../components/graph/endpoints";
import { processGraphLimiter } from "../../components/graph/limiter";
import { DEFAULT_GRAPH_RETRY, GraphPipeline, createGraphPipeline } from "../../components/graph/pipeline";

// What the vault publishes, read without reading a single secret value: Key Vault's Get Secrets
// lists each secret's current version with its attributes and tags only
// (https://learn.microsoft.com/rest/api/keyvault/secrets/get-secrets/get-secrets), and the stack tags
// the secret with the thumbprint of the certificate it holds (thumbprintSha1), or state: suspended.
// It needs the secrets' metadata only: the built-in role Key Vault Reader on the vault
// (https://learn.microsoft.com/azure/key-vault/general/rbac-guide), no data role. Requests go through
// the same pipeline as Graph's (retries, Retry-After, timeout, the process's 8 requests in flight).

const API_VERSION = "7.4";
const MAX_PAGES = 1000;

export interface PublishedSecret {
    readonly enabled: boolean;
    readonly tags: Readonly<Record<string, string>>;
}

const pageSchema = z.object({
    value: z.array(
        z.object({
            id: z.string(),
            attributes: z.object({ enabled: z.boolean().optional() }).optional(),
            tags: z.record(z.string(), z.string()).nullish(),
        }),
    ),
    nextLink: z.string().nullish(),
});

/** Key Vault refused or could not be read: says which vault and what to grant or fix. */
export class VaultReadError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "VaultReadError";
    }
}

export class VaultSecretsReader {
    private readonly origin: string;
    private readonly vault: GraphPipeline;
    private readonly httpClient: HttpClient = createDefaultHttpClient();

    /** `vaultUri` as the stack exports it (https://<name>.vault.azure.net/); options as the Graph client's, for the same process-wide limits. */
    constructor(vaultUri: string, options: Pick<GraphClientOptions, "credential" | "agent" | "limiter" | "requestTimeoutMs" | "retry"> = {}) {
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

    /** Each secret's current version, by name: enabled, and its tags. Never a value. */
    async publishedSecrets(): Promise<Map<string, PublishedSecret>> {
        const secrets = new Map<string, PublishedSecret>();
        let url = `${this.origin}/secrets?api-version=${API_VERSION}`;
        for (let page = 1; page <= MAX_PAGES; page++) {
            const body = await this.get(url);
            const parsed = pageSchema.safeParse(body);
            if (!parsed.success) {
                throw new VaultReadError(`${this.origin} answered the secrets listing with an unexpected shape (${parsed.error.issues[0].message}).`);
            }
            for (const item of parsed.data.value) {
                const name = decodeURIComponent(new URL(item.id).pathname.split("/")[2] ?? "");
                secrets.set(name.toLowerCase(), { enabled: item.attributes?.enabled ?? true, tags: item.tags ?? {} });
            }
            const next = parsed.data.nextLink;
            if (!next) {
                return secrets;
            }
            // The token goes only to this vault.
            if (new URL(next).origin !== this.origin) {
                throw new VaultReadError(`${this.origin} answered with a nextLink to another host; the token is not sent there.`);
            }
            url = next;
        }
        throw new VaultReadError(`the secrets listing of ${this.origin} goes on past ${MAX_PAGES} pages.`);
    }

    private async get(url: string): Promise<unknown> {
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
                `Key Vault ${this.origin} refused to list its secrets (${status}): the identity running verify needs the role Key Vault Reader on the vault ` +
                    "(secret metadata only, never a value), and its network must be admitted by the vault's firewall (vault.allowedIpRanges).",
            );
        }
        throw new VaultReadError(`Key Vault ${this.origin} answered ${status} to the secrets listing.`);
    }
}

/** Key Vault's token audience in the vault's cloud: its DNS suffix (https://vault.azure.net for *.vault.azure.net). */
function vaultScope(url: URL): string {
    const labels = url.hostname.split(".");
    const isName = labels.length > 2 && !/^\d+$/.test(labels[labels.length - 1]);
    return `${isName ? `https://${labels.slice(1).join(".")}` : url.origin}/.default`;
}
