import { createHash, randomUUID } from "node:crypto";
import type { TokenCredential } from "@azure/identity";
import { CryptographyClient, KeyClient, parseKeyVaultKeyIdentifier, type CryptographyClientOptions } from "@azure/keyvault-keys";
import { isGuid } from "../guid";
import { KEY_VERSION_TAGS } from "../vaultKey/model";

// The vendor's side of a vault-key connection: the client assertion Entra ID takes instead of a
// secret (https://learn.microsoft.com/entra/identity-platform/certificate-credentials), signed by
// the connection's Key Vault key, whose private half never leaves the vault. MSAL for Node takes
// the returned function as `auth.clientAssertion`; Azure Identity's ClientAssertionCredential as
// its `getAssertion`. One sign per token request; MSAL caches the token it gets for about an hour.

export interface KeyVaultClientAssertionOptions {
    /**
     * The connection's key: its stable id `https://<vault>.vault.azure.net/keys/<name>` (the
     * connection's `keyUri` output), from which each assertion signs with the current certificate's
     * key version; or one versioned id, `.../keys/<name>/<version>`, with `thumbprintSha256`.
     */
    readonly keyId: string;
    /** The connection's application (client) id: the assertion's `iss` and `sub`. */
    readonly clientId: string;
    /** The tenant the vendor signs in to. */
    readonly tenantId: string;
    /** With a versioned `keyId` only: its certificate's `x5t#S256` (base64url SHA-256 of its DER). */
    readonly thumbprintSha256?: string;
    /** The vendor's own identity to Key Vault: it needs only keys/read and keys/sign/action on this key. */
    readonly credential: TokenCredential;
    /** Entra's sign-in host. Default: AZURE_AUTHORITY_HOST, else https://login.microsoftonline.com. Used only when the caller does not name the token endpoint. */
    readonly authorityHost?: string;
    /** Seconds the assertion is valid; at most 600 (Entra's guidance: 5 to 10 minutes). Default 600. */
    readonly lifetimeSeconds?: number;
    /** For the Key Vault client, e.g. an https agent with a private root. */
    readonly cryptographyClientOptions?: CryptographyClientOptions;
}

/** What MSAL for Node passes to a clientAssertion callback; Azure Identity passes nothing. */
export interface ClientAssertionRequest {
    readonly tokenEndpoint?: string;
}

const MAX_LIFETIME_SECONDS = 600;
/** How long a resolved current version is used before the key is read again: rotations come with deploys, and their overlap lasts days. */
const RESOLUTION_TTL_MS = 5 * 60_000;

/** The key version an assertion is signed with, and its certificate's thumbprint. */
interface SigningVersion {
    readonly signer: CryptographyClient;
    readonly thumbprintSha256: string;
}

/**
 * A function returning a fresh client assertion on each call: a PS256 JWT with header `x5t#S256`
 * and claims `aud` (the token endpoint), `iss` = `sub` = the client id, `jti`, `iat`, `nbf` (now)
 * and `exp` (at most ten minutes on), whose SHA-256 digest Key Vault signs with the connection's key.
 * With the key's stable id it signs with the current version: the newest enabled one (a version is
 * enabled only once Entra has its certificate, and disabled when the certificate is retired), whose
 * thumbprint is in its tags; re-read every few minutes, and at once when Key Vault refuses a
 * version. Every option is checked at once; a bad one throws here, not at the first sign-in.
 */
export function keyVaultClientAssertion(options: KeyVaultClientAssertionOptions): (request?: ClientAssertionRequest) => Promise<string> {
    const lifetime = options.lifetimeSeconds ?? MAX_LIFETIME_SECONDS;
    const authorityHost = (options.authorityHost ?? process.env.AZURE_AUTHORITY_HOST ?? "https://login.microsoftonline.com").replace(/\/+$/, "");
    const key = parseKey(options.keyId);
    const thumbprint = options.thumbprintSha256;
    const problems = [
        ...(typeof key === "string" ? [key] : []),
        ...(typeof options.clientId === "string" && isGuid(options.clientId)
            ? []
            : [`clientId: ${JSON.stringify(options.clientId)} is not an application (client) id; use the connection's applicationClientId, a GUID.`]),
        ...(typeof options.tenantId === "string" && /^[0-9A-Za-z.-]+$/.test(options.tenantId)
            ? []
            : [`tenantId: ${JSON.stringify(options.tenantId)} is not a tenant id or domain.`]),
        ...thumbprintProblems(typeof key === "string" ? undefined : key.version, thumbprint),
        ...(Number.isInteger(lifetime) && lifetime >= 60 && lifetime <= MAX_LIFETIME_SECONDS
            ? []
            : [`lifetimeSeconds: ${lifetime} is not allowed; use a whole number from 60 to ${MAX_LIFETIME_SECONDS}.`]),
        ...(/^https:\/\/[^/?#]+$/.test(authorityHost) ? [] : [`authorityHost: ${JSON.stringify(authorityHost)} is not an https origin such as https://login.microsoftonline.us.`]),
    ];
    if (problems.length > 0 || typeof key === "string") {
        throw new TypeError(`keyVaultClientAssertion: ${problems.join(" ")}`);
    }
    const signerFor = (keyId: string) => new CryptographyClient(keyId, options.credential, options.cryptographyClientOptions);
    const current = key.version
        ? fixedVersion({ signer: signerFor(options.keyId), thumbprintSha256: thumbprint! })
        : currentVersion(new KeyClient(key.vaultUrl, options.credential, options.cryptographyClientOptions), key.name, signerFor);

    return async (request?: ClientAssertionRequest) => {
        const now = Math.floor(Date.now() / 1000);
        const claims = {
            aud: request?.tokenEndpoint ?? `${authorityHost}/${options.tenantId}/oauth2/v2.0/token`,
            iss: options.clientId,
            sub: options.clientId,
            jti: randomUUID(),
            iat: now,
            nbf: now,
            exp: now + lifetime,
        };
        const sign = async (version: SigningVersion) => {
            const signingInput = `${base64urlJson({ alg: "PS256", typ: "JWT", "x5t#S256": version.thumbprintSha256 })}.${base64urlJson(claims)}`;
            const { result } = await version.signer.sign("PS256", createHash("sha256").update(signingInput).digest());
            return `${signingInput}.${Buffer.from(result).toString("base64url")}`;
        };
        try {
            return await sign(await current.get());
        } catch (err) {
            // A version retired since it was resolved (rotated out, revoked): read the key again, once.
            if (!current.canRefresh) {
                throw err;
            }
            return sign(await current.get(true));
        }
    };
}

interface VersionSource {
    readonly canRefresh: boolean;
    get(refresh?: boolean): Promise<SigningVersion>;
}

function fixedVersion(version: SigningVersion): VersionSource {
    return { canRefresh: false, get: async () => version };
}

/** The newest enabled version carrying a thumbprint tag (by expiry: the newest certificate ends last), cached for a few minutes. */
function currentVersion(keys: KeyClient, name: string, signerFor: (keyId: string) => CryptographyClient): VersionSource {
    let cached: { version: SigningVersion; at: number } | undefined;
    return {
        canRefresh: true,
        async get(refresh = false) {
            if (!refresh && cached && Date.now() - cached.at < RESOLUTION_TTL_MS) {
                return cached.version;
            }
            let best: { id: string; thumbprint: string; expires: number } | undefined;
            for await (const version of keys.listPropertiesOfKeyVersions(name)) {
                const thumbprint = version.tags?.[KEY_VERSION_TAGS.thumbprintSha256];
                const expires = version.expiresOn?.getTime() ?? 0;
                if (version.enabled !== false && thumbprint && version.id && (!best || expires > best.expires)) {
                    best = { id: version.id, thumbprint, expires };
                }
            }
            if (!best) {
                throw new Error(
                    `key ${name} has no enabled version with a certificate: the connection is suspended or revoked, or its first deploy has not registered a certificate yet.`,
                );
            }
            cached = { version: { signer: signerFor(best.id), thumbprintSha256: best.thumbprint }, at: Date.now() };
            return cached.version;
        },
    };
}

function parseKey(keyId: unknown): { vaultUrl: string; name: string; version?: string } | string {
    const hint = "use the connection's keyUri (https://<vault>.vault.azure.net/keys/<name>), or a versioned key id.";
    if (typeof keyId !== "string") {
        return `keyId: ${JSON.stringify(keyId)} is not a key id; ${hint}`;
    }
    try {
        const { vaultUrl, name, version } = parseKeyVaultKeyIdentifier(keyId);
        return { vaultUrl, name, version: version || undefined };
    } catch {
        return `keyId: ${JSON.stringify(keyId)} is not a key id; ${hint}`;
    }
}

function thumbprintProblems(version: string | undefined, thumbprint: unknown): string[] {
    if (version === undefined) {
        // The stable id: each version's thumbprint is in its tags.
        return thumbprint === undefined ? [] : ["thumbprintSha256: give it only with a versioned keyId; with the key's stable id each version's thumbprint is read from the key."];
    }
    return typeof thumbprint === "string" && /^[A-Za-z0-9_-]{43}$/.test(thumbprint)
        ? []
        : [`thumbprintSha256: ${JSON.stringify(thumbprint)} is not an x5t#S256 (43 base64url characters); a versioned keyId needs its certificate's.`];
}

function base64urlJson(value: unknown): string {
    return Buffer.from(JSON.stringify(value)).toString("base64url");
}
