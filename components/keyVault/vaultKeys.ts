import { createPublicKey, type KeyObject } from "node:crypto";
import type { Agent as HttpsAgent } from "node:https";
import type { TokenCredential } from "@azure/identity";
import { KeyClient, type KeyVaultKey } from "@azure/keyvault-keys";
import { ConcurrencyLimiter, processLimiter } from "../http/limiter";
import { attemptTimeoutPolicy, requestLimitPolicy } from "../http/attemptPolicies";
import { VaultKeyOperation, vaultKeyError, isKeyNotFound } from "./errors";
import { RoleAssignmentWait, retryWhileRoleAssignmentsApply } from "./roleAssignmentWait";

// Key Vault's keys data plane, for a credential whose private key never leaves the vault. ARM can
// create a key but never a new version of it, and never returns its public key, so the key is made,
// read, used to sign and disabled here (https://learn.microsoft.com/rest/api/keyvault/keys/).
//
// The HTTP stack is the Azure SDK's KeyClient (@azure/keyvault-keys), for what only it does right:
// Key Vault's challenge authentication (the first request learns the tenant and the resource to
// ask a token for, and the resource is checked against the vault's own domain, so a sovereign
// cloud's vault gets a token for its own audience), retries of 429 and 5xx after Retry-After, at
// most `maxRetries`. Around each attempt, the same two policies as the Graph client's: a process-wide
// limit on requests in flight, and a timeout per attempt. Around each call, when asked: a refusal by
// Azure RBAC is asked again while a new role assignment may still be applying (roleAssignmentWait.ts).

export interface VaultKeysOptions {
    readonly credential: TokenCredential;
    /** Default: Node's, which trusts the system's roots; give one with a private root for a TLS-inspecting proxy or a test server. */
    readonly agent?: HttpsAgent;
    /** Retries after the first attempt of a throttled (429) or failed (5xx) request. Default 5. */
    readonly maxRetries?: number;
    /** First backoff delay when the vault gives no Retry-After. Default 1 s. */
    readonly retryDelayInMs?: number;
    /** How long one attempt may take, answer included. Default 30 s. */
    readonly attemptTimeoutMs?: number;
    /** Default: the process's (at most MAX_VAULT_REQUESTS_IN_FLIGHT). */
    readonly limiter?: ConcurrencyLimiter;
    /**
     * How long a call refused with ForbiddenByRbac is asked again, for a caller whose role was
     * assigned moments before (the deploy). Default: not at all, the refusal is final.
     */
    readonly roleAssignmentWait?: RoleAssignmentWait;
}

/** Key Vault's service limit counts RSA operations per vault in 10-second windows; a deploy needs a handful per connection. */
export const MAX_VAULT_REQUESTS_IN_FLIGHT = 8;

/** A key as this library uses it: its versioned id and the public half the certificate certifies. */
export interface VaultSigningKey {
    /** The versioned key id, `https://<vault>/keys/<name>/<version>`: what the vendor signs with. */
    readonly keyId: string;
    readonly name: string;
    readonly version: string;
    readonly publicKey: KeyObject;
    readonly enabled: boolean;
}

export interface NewSigningKey {
    readonly name: string;
    readonly keySize: number;
    /** `RSA-HSM` in a Premium vault, when the connection asks for it; otherwise `RSA`. */
    readonly hardwareProtected: boolean;
    readonly notBefore: Date;
    readonly expiresOn: Date;
    readonly tags: Readonly<Record<string, string>>;
}

export class VaultKeys {
    private readonly client: KeyClient;
    private readonly roleAssignmentWait: RoleAssignmentWait | undefined;

    constructor(
        readonly vaultUri: string,
        options: VaultKeysOptions,
    ) {
        const limiter = options.limiter ?? processLimiter("keyVault", MAX_VAULT_REQUESTS_IN_FLIGHT);
        this.roleAssignmentWait = options.roleAssignmentWait;
        this.client = new KeyClient(vaultUri, options.credential, {
            retryOptions: { maxRetries: options.maxRetries ?? 5, retryDelayInMs: options.retryDelayInMs ?? 1_000, maxRetryDelayInMs: 30_000 },
            redirectOptions: { maxRetries: 0 },
            userAgentOptions: { userAgentPrefix: "vendor-connections" },
            ...(options.agent ? { agent: options.agent } : {}),
            additionalPolicies: [
                { policy: requestLimitPolicy(limiter), position: "perRetry" },
                { policy: attemptTimeoutPolicy(options.attemptTimeoutMs ?? 30_000), position: "perRetry" },
            ],
        });
    }

    /**
     * A new key (a new version when the name exists), signing only, not exportable: Key Vault
     * lets a private key out only through secure key release, which needs `exportable: true` and a
     * release policy, and this sets neither. The attribute is left out rather than sent as false:
     * Key Vault takes it only in Premium vaults (AKV.SKR.1001, "The exportable attribute is only
     * supported with premium vaults"), and false is its default
     * (https://learn.microsoft.com/rest/api/keyvault/keys/create-key/create-key).
     * Its validity is the certificate's, so the vault itself refuses to sign outside it.
     */
    async create(key: NewSigningKey): Promise<VaultSigningKey> {
        return this.call("create", key.name, async () =>
            signingKeyOf(
                await this.client.createRsaKey(key.name, {
                    keySize: key.keySize,
                    hsm: key.hardwareProtected,
                    keyOps: ["sign", "verify"],
                    notBefore: key.notBefore,
                    expiresOn: key.expiresOn,
                    tags: { ...key.tags },
                }),
            ),
        );
    }

    /** The key version `version` of `name`, or undefined when the vault has no such key (deleted, or never made). */
    async get(name: string, version: string): Promise<VaultSigningKey | undefined> {
        try {
            return await this.call("get", name, async () => signingKeyOf(await this.client.getKey(name, { version })));
        } catch (err) {
            if (isKeyNotFound(err)) {
                return undefined;
            }
            throw err;
        }
    }

    /** RSASSA-PKCS1-v1_5 (`RS256`) over a SHA-256 digest: how a self-signed certificate is signed. */
    async signSha256Digest(name: string, version: string, digest: Uint8Array): Promise<Uint8Array> {
        return this.call("sign", name, async () => (await this.client.getCryptographyClient(name, { keyVersion: version }).sign("RS256", digest)).result);
    }

    /** Enables or disables a key version, and replaces its tags when given: a disabled key signs nothing, so every vendor sign-in with it stops. */
    async setEnabled(name: string, version: string, enabled: boolean, tags?: Readonly<Record<string, string>>): Promise<void> {
        await this.call("update", name, () => this.client.updateKeyProperties(name, version, { enabled, ...(tags ? { tags: { ...tags } } : {}) }));
    }

    private async call<T>(operation: VaultKeyOperation, keyName: string, run: () => Promise<T>): Promise<T> {
        const attempt = async () => {
            try {
                return await run();
            } catch (err) {
                throw vaultKeyError(err, { operation, vaultUri: this.vaultUri, keyName });
            }
        };
        return this.roleAssignmentWait ? retryWhileRoleAssignmentsApply(attempt, this.roleAssignmentWait) : attempt();
    }
}

function signingKeyOf(key: KeyVaultKey): VaultSigningKey {
    const { n, e } = key.key ?? {};
    if (!n || !e || key.properties.version === undefined || key.id === undefined) {
        throw new Error(`Key Vault answered for key ${key.name} without its RSA public key or version`);
    }
    return {
        keyId: key.id,
        name: key.name,
        version: key.properties.version,
        publicKey: createPublicKey({ key: { kty: "RSA", n: Buffer.from(n).toString("base64url"), e: Buffer.from(e).toString("base64url") }, format: "jwk" }),
        enabled: key.properties.enabled !== false,
    };
}
