import { constants, createHash, generateKeyPair, privateEncrypt, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Agent, type Server } from "node:https";
import { AuthenticatingStandIn, Bearer, HttpsStandIn, loopbackLookup, readBody } from "./standInServer";

// A stand-in for Key Vault's keys data plane: a real HTTPS server that holds real RSA keys and
// really signs with them, answering the calls a vault-key credential makes with the shapes of
// Microsoft's reference (https://learn.microsoft.com/rest/api/keyvault/keys/):
//   - POST /keys/{name}/create makes a new version (KeyBundle: `key` as a JWK with `n` and `e`
//     in base64url, `attributes` with `exportable: false`), GET /keys/{name}[/{version}] reads one,
//     PATCH /keys/{name}/{version} updates its attributes and tags, GET /keys/{name}/versions lists
//     the versions in pages linked by `nextLink`, POST .../sign signs a digest (RS256, PS256) and
//     refuses a disabled key;
//   - Key Vault's challenge authentication: a request without a token is answered 401 with
//     `WWW-Authenticate: Bearer authorization="<authority>/<tenant>", resource="https://vault.azure.net"`
//     (https://learn.microsoft.com/azure/key-vault/general/authentication-requests-and-responses);
//   - errors in Key Vault's shape, `{ error: { code, message, innererror? } }`, e.g. 403 with
//     innererror ForbiddenByFirewall or ForbiddenByRbac, 404 KeyNotFound, 429 Throttled with
//     Retry-After (https://learn.microsoft.com/azure/key-vault/general/rest-error-codes).
// The server's certificate names *.vault.azure.net, and `agent()` resolves every name to
// 127.0.0.1, so a client reaches it at a real vault URI (https://<vault>.vault.azure.net:<port>)
// and the SDK's check that the challenge's resource matches the vault's domain stays on.

export const STAND_IN_TENANT_ID = "00000000-0000-4000-a000-000000000001";
const RESOURCE = "https://vault.azure.net";

export interface StoredKey {
    readonly name: string;
    readonly version: string;
    readonly kty: string;
    readonly keySize: number;
    readonly keyOps: readonly string[];
    readonly privateKey: KeyObject;
    readonly publicKey: KeyObject;
    enabled: boolean;
    readonly notBefore?: number;
    readonly expires?: number;
    readonly created: number;
    updated: number;
    tags: Record<string, string>;
}

export interface VaultRequest {
    readonly method: string;
    readonly path: string;
    readonly body: unknown;
    readonly bearer: Bearer;
    readonly status: number;
}

export interface VaultFault {
    readonly method?: string;
    readonly path?: RegExp;
    readonly status: number;
    readonly code: string;
    readonly message: string;
    readonly innerCode?: string;
    readonly headers?: Readonly<Record<string, string>>;
    times: number;
}

/** The firewall's answer for a client address it does not admit. */
export function firewallFault(times = 1): VaultFault {
    return {
        status: 403,
        code: "Forbidden",
        message: "Client address is not authorized and caller is not a trusted service.\r\nClient address: 198.51.100.7\r\nCaller: appid=...\r\nVault: kv-test;location=westeurope",
        innerCode: "ForbiddenByFirewall",
        times,
    };
}

/** Azure RBAC's answer for a caller without the data action. */
export function rbacFault(action: string, times = 1): VaultFault {
    return {
        status: 403,
        code: "Forbidden",
        message: `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nAction: '${action}'`,
        innerCode: "ForbiddenByRbac",
        times,
    };
}

export function throttledFault(retryAfterSeconds: number, times = 1): VaultFault {
    return {
        status: 429,
        code: "Throttled",
        message: "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached",
        headers: { "retry-after": String(retryAfterSeconds) },
        times,
    };
}

export class KeyVaultStandIn extends AuthenticatingStandIn {
    readonly keys = new Map<string, StoredKey[]>();
    readonly requests: VaultRequest[] = [];
    private readonly faults: VaultFault[] = [];

    private constructor(
        listening: { server: Server; port: number; caPem: string },
        /** Whether the vault is Premium, which alone holds RSA-HSM keys. */
        readonly premium: boolean,
    ) {
        super(listening.server, listening.port, listening.caPem);
    }

    static async start(options: { premium?: boolean } = {}): Promise<KeyVaultStandIn> {
        const standIn = new KeyVaultStandIn(await HttpsStandIn.listen("DNS:*.vault.azure.net"), options.premium ?? false);
        standIn.server.on("request", (req, res) => void standIn.answer(req, res));
        return standIn;
    }

    /** The URI of vault `name` on this stand-in, as ARM reports a vault's `vaultUri` (with the stand-in's port). */
    vaultUri(name = "kv-test"): string {
        return `https://${name}.vault.azure.net:${this.port}/`;
    }

    /** An https.Agent that trusts the stand-in's CA and resolves every host name to 127.0.0.1. */
    agent(): Agent {
        return new Agent({ ca: this.caPem, keepAlive: true, lookup: loopbackLookup });
    }

    fail(fault: VaultFault): void {
        this.faults.push({ ...fault });
    }

    requestsTo(method: string, path?: RegExp): VaultRequest[] {
        return this.requests.filter((r) => r.method === method && (path === undefined || path.test(r.path)));
    }

    /**
     * Adds a version of key `name` as a deploy would have left it (enabled or not, its tags and
     * expiry, in epoch seconds), without the create call: for tests of what only lists versions.
     * Seeded versions share one key pair, made once per test process.
     */
    async seedVersion(name: string, seeded: { enabled: boolean; tags?: Record<string, string>; expires?: number }): Promise<StoredKey> {
        const { publicKey, privateKey } = await seedKeyPair();
        const now = nowSeconds();
        const key: StoredKey = {
            name,
            version: randomBytes(16).toString("hex"),
            kty: "RSA",
            keySize: 2048,
            keyOps: ["sign", "verify"],
            privateKey,
            publicKey,
            enabled: seeded.enabled,
            expires: seeded.expires,
            created: now,
            updated: now,
            tags: { ...seeded.tags },
        };
        this.keys.set(name, [...(this.keys.get(name) ?? []), key]);
        return key;
    }

    /** The version of key `name` with id `kid`, or its latest. */
    key(name: string, version?: string): StoredKey | undefined {
        const versions = this.keys.get(name) ?? [];
        return version === undefined ? versions[versions.length - 1] : versions.find((k) => k.version === version);
    }

    private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const url = new URL(req.url ?? "/", `https://${req.headers.host ?? "localhost"}`);
        const text = await readBody(req);
        const body = text === "" ? undefined : JSON.parse(text);
        const method = req.method ?? "GET";
        const bearer = this.bearerOf(req.headers.authorization);
        const origin = `https://${url.host}`;
        const reply = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
            this.requests.push({ method, path: url.pathname, body, bearer, status });
            res.writeHead(status, { "x-ms-request-id": randomUUID(), ...(payload === undefined ? {} : { "content-type": "application/json; charset=utf-8" }), ...headers });
            res.end(payload === undefined ? undefined : JSON.stringify(payload));
        };

        if (bearer !== "valid") {
            // The challenge: where to get a token and for which resource.
            const challenge = `Bearer authorization="https://login.microsoftonline.com/${STAND_IN_TENANT_ID}", resource="${RESOURCE}"`;
            return reply(401, bearer === "missing" ? undefined : vaultError("Unauthorized", "AKV10032: Invalid issuer."), { "www-authenticate": challenge });
        }
        if (!url.searchParams.get("api-version")) {
            return reply(400, vaultError("BadParameter", "The api-version query parameter is required."));
        }
        const fault = this.takeFault(method, url.pathname);
        if (fault) {
            const error = vaultError(fault.code, fault.message, fault.innerCode);
            return reply(fault.status, error, { ...fault.headers });
        }
        const [status, payload] = await this.route(method, url.pathname.split("/").filter(Boolean), body, origin, Number(url.searchParams.get("$skiptoken") ?? 0));
        reply(status, payload);
    }

    private async route(method: string, segments: string[], body: any, origin: string, skipToken: number): Promise<[number, unknown]> {
        if (segments[0] !== "keys" || segments.length < 2) {
            return [404, vaultError("NotFound", "The requested resource was not found.")];
        }
        const [, name, second, third] = segments;
        if (method === "POST" && second === "create" && segments.length === 3) {
            return this.create(name, body, origin);
        }
        if (method === "GET" && second === "versions" && third === undefined) {
            return this.versions(name, skipToken, origin);
        }
        const version = second;
        const key = this.key(name, version);
        if (!key) {
            return [404, vaultError("KeyNotFound", `A key with (name/id) ${name}${version ? ` (version ${version})` : ""} was not found in this key vault.`)];
        }
        if (method === "GET" && third === undefined) {
            return [200, this.bundle(key, origin)];
        }
        if (method === "PATCH" && version !== undefined && third === undefined) {
            if (typeof body?.attributes?.enabled === "boolean") {
                key.enabled = body.attributes.enabled;
            }
            if (body?.tags !== undefined) {
                key.tags = { ...body.tags };
            }
            key.updated = nowSeconds();
            return [200, this.bundle(key, origin)];
        }
        if (method === "POST" && version !== undefined && third === "sign") {
            return this.sign(key, body, origin);
        }
        return [405, vaultError("BadParameter", `Method ${method} is not allowed here.`)];
    }

    /** A key's versions, oldest first, two per page linked by an absolute nextLink, as KeyItems (no key material, no `n`). */
    private versions(name: string, skip: number, origin: string): [number, unknown] {
        const versions = this.keys.get(name) ?? [];
        if (versions.length === 0) {
            return [404, vaultError("KeyNotFound", `A key with (name/id) ${name} was not found in this key vault.`)];
        }
        const page = versions.slice(skip, skip + 2).map((key) => ({ kid: kidOf(key, origin), attributes: this.attributes(key), tags: key.tags }));
        const nextLink = skip + 2 < versions.length ? `${origin}/keys/${name}/versions?api-version=7.6&$skiptoken=${skip + 2}` : null;
        return [200, { value: page, nextLink }];
    }

    private async create(name: string, body: any, origin: string): Promise<[number, unknown]> {
        const kty = body?.kty;
        if (kty !== "RSA" && kty !== "RSA-HSM") {
            return [400, vaultError("BadParameter", `Invalid key type ${JSON.stringify(kty)}; this stand-in makes RSA keys.`)];
        }
        if (kty === "RSA-HSM" && !this.premium) {
            return [400, vaultError("BadParameter", "Key type RSA-HSM is only supported in a Premium vault.")];
        }
        if (body.attributes?.exportable !== undefined && !this.premium) {
            // Secure key release: the attribute itself is refused by a Standard vault.
            return [400, vaultError("BadParameter", "AKV.SKR.1001: The exportable attribute is only supported with premium vaults and API version >= '7.3-preview'.")];
        }
        const keySize = body.key_size ?? 2048;
        if (![2048, 3072, 4096].includes(keySize)) {
            return [400, vaultError("BadParameter", `Invalid key size ${keySize}.`)];
        }
        const { publicKey, privateKey } = await new Promise<{ publicKey: KeyObject; privateKey: KeyObject }>((resolve, reject) =>
            generateKeyPair("rsa", { modulusLength: keySize, publicExponent: 0x10001 }, (err, pub, priv) => (err ? reject(err) : resolve({ publicKey: pub, privateKey: priv }))),
        );
        const now = nowSeconds();
        const key: StoredKey = {
            name,
            version: randomBytes(16).toString("hex"),
            kty,
            keySize,
            keyOps: body.key_ops ?? ["sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey"],
            privateKey,
            publicKey,
            enabled: body.attributes?.enabled ?? true,
            notBefore: body.attributes?.nbf,
            expires: body.attributes?.exp,
            created: now,
            updated: now,
            tags: body.tags ?? {},
        };
        this.keys.set(name, [...(this.keys.get(name) ?? []), key]);
        return [200, this.bundle(key, origin)];
    }

    private sign(key: StoredKey, body: any, origin: string): [number, unknown] {
        if (!key.enabled) {
            return [403, vaultError("Forbidden", "Operation sign is not allowed on a disabled key.", "KeyDisabled")];
        }
        const now = nowSeconds();
        if ((key.notBefore !== undefined && now < key.notBefore) || (key.expires !== undefined && now >= key.expires)) {
            return [403, vaultError("Forbidden", "Operation sign is not allowed on a key outside its validity period.", "KeyExpiredOrNotYetValid")];
        }
        if (!key.keyOps.includes("sign")) {
            return [403, vaultError("Forbidden", "Operation sign is not permitted on this key.", "KeyOperationForbidden")];
        }
        const digest = Buffer.from(String(body?.value ?? ""), "base64url");
        if (digest.length !== 32) {
            return [400, vaultError("BadParameter", "Invalid digest length for the SHA-256 family of algorithms.")];
        }
        let signature: Buffer;
        if (body.alg === "RS256") {
            signature = privateEncrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest]));
        } else if (body.alg === "PS256") {
            signature = privateEncrypt({ key: key.privateKey, padding: constants.RSA_NO_PADDING }, emsaPssEncode(digest, key.keySize - 1));
        } else {
            return [400, vaultError("BadParameter", `Algorithm ${JSON.stringify(body?.alg)} is not supported by this stand-in.`)];
        }
        return [200, { kid: kidOf(key, origin), value: signature.toString("base64url") }];
    }

    private bundle(key: StoredKey, origin: string): unknown {
        const jwk = key.publicKey.export({ format: "jwk" });
        return {
            key: { kid: kidOf(key, origin), kty: key.kty, key_ops: key.keyOps, n: jwk.n, e: jwk.e },
            attributes: this.attributes(key),
            tags: key.tags,
        };
    }

    private attributes(key: StoredKey): unknown {
        return {
            enabled: key.enabled,
            ...(key.notBefore === undefined ? {} : { nbf: key.notBefore }),
            ...(key.expires === undefined ? {} : { exp: key.expires }),
            created: key.created,
            updated: key.updated,
            recoveryLevel: "Recoverable",
            recoverableDays: 90,
            exportable: false,
        };
    }

    private takeFault(method: string, path: string): VaultFault | undefined {
        const fault = this.faults.find((f) => f.times > 0 && (f.method === undefined || f.method === method) && (f.path === undefined || f.path.test(path)));
        if (fault) {
            fault.times -= 1;
        }
        return fault;
    }
}

let seedPair: Promise<{ publicKey: KeyObject; privateKey: KeyObject }> | undefined;

function seedKeyPair(): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
    seedPair ??= new Promise((resolve, reject) =>
        generateKeyPair("rsa", { modulusLength: 2048, publicExponent: 0x10001 }, (err, publicKey, privateKey) => (err ? reject(err) : resolve({ publicKey, privateKey }))),
    );
    return seedPair;
}

function kidOf(key: StoredKey, origin: string): string {
    return `${origin}/keys/${key.name}/${key.version}`;
}

function vaultError(code: string, message: string, innerCode?: string): unknown {
    return { error: { code, message, ...(innerCode === undefined ? {} : { innererror: { code: innerCode } }) } };
}

function nowSeconds(): number {
    return Math.floor(Date.now() / 1000);
}

/** DigestInfo of SHA-256 (RFC 8017 9.2, note 1): what RSASSA-PKCS1-v1_5 signs, before the digest. */
const SHA256_DIGEST_INFO = Buffer.from("3031300d060960864801650304020105000420", "hex");

/** EMSA-PSS-ENCODE (RFC 8017 9.1.1) of an already computed SHA-256 digest, MGF1-SHA-256, salt as long as the hash (RFC 7518 3.5). */
function emsaPssEncode(mHash: Buffer, emBits: number): Buffer {
    const hLen = 32;
    const emLen = Math.ceil(emBits / 8);
    const salt = randomBytes(hLen);
    const h = createHash("sha256")
        .update(Buffer.concat([Buffer.alloc(8), mHash, salt]))
        .digest();
    const db = Buffer.concat([Buffer.alloc(emLen - 2 * hLen - 2), Buffer.from([1]), salt]);
    const mask = mgf1(h, emLen - hLen - 1);
    const maskedDb = Buffer.from(db.map((byte, i) => byte ^ mask[i]));
    maskedDb[0] &= 0xff >> (8 * emLen - emBits);
    const em = Buffer.concat([maskedDb, h, Buffer.from([0xbc])]);
    // RSA_NO_PADDING wants the modulus' length; a whole-byte modulus gives emLen one less than it only when emBits is a multiple of 8.
    return em.length === Math.ceil((emBits + 1) / 8) ? em : Buffer.concat([Buffer.alloc(1), em]);
}

function mgf1(seed: Buffer, length: number): Buffer {
    const blocks: Buffer[] = [];
    for (let counter = 0; blocks.length * 32 < length; counter++) {
        const c = Buffer.alloc(4);
        c.writeUInt32BE(counter);
        blocks.push(
            createHash("sha256")
                .update(Buffer.concat([seed, c]))
                .digest(),
        );
    }
    return Buffer.concat(blocks).subarray(0, length);
}
