import { createHash, randomUUID } from "node:crypto";
import type { TokenCredential } from "@azure/core-auth";
import { CryptographyClient, parseKeyVaultKeyIdentifier, type CryptographyClientOptions } from "@azure/keyvault-keys";

// The vendor's side of a vault-key connection: the client assertion Entra ID takes instead of a
// secret (https://learn.microsoft.com/entra/identity-platform/certificate-credentials), signed by
// the connection's Key Vault key, whose private half never leaves the vault. MSAL for Node takes
// the returned function as `auth.clientAssertion`; Azure Identity's ClientAssertionCredential as
// its `getAssertion`. One sign per token request; MSAL caches the token it gets for about an hour.

export interface KeyVaultClientAssertionOptions {
    /** The versioned key id the connection publishes (`https://<vault>.vault.azure.net/keys/<name>/<version>`). */
    readonly keyId: string;
    /** The connection's application (client) id: the assertion's `iss` and `sub`. */
    readonly clientId: string;
    /** The tenant the vendor signs in to. */
    readonly tenantId: string;
    /** The active certificate's `x5t#S256` (base64url SHA-256 of its DER), as the connection publishes it. */
    readonly thumbprintSha256: string;
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
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A function returning a fresh client assertion on each call: a PS256 JWT with header `x5t#S256`
 * and claims `aud` (the token endpoint), `iss` = `sub` = the client id, `jti`, `iat`, `nbf` (now)
 * and `exp` (at most ten minutes on), whose SHA-256 digest Key Vault signs with the connection's key.
 * Every option is checked at once; a bad one throws here, not at the first sign-in.
 */
export function keyVaultClientAssertion(options: KeyVaultClientAssertionOptions): (request?: ClientAssertionRequest) => Promise<string> {
    const lifetime = options.lifetimeSeconds ?? MAX_LIFETIME_SECONDS;
    const authorityHost = (options.authorityHost ?? process.env.AZURE_AUTHORITY_HOST ?? "https://login.microsoftonline.com").replace(/\/+$/, "");
    const problems = [
        ...keyIdProblems(options.keyId),
        ...(GUID.test(options.clientId ?? "")
            ? []
            : [`clientId: ${JSON.stringify(options.clientId)} is not an application (client) id; use the connection's applicationClientId, a GUID.`]),
        ...(typeof options.tenantId === "string" && /^[0-9A-Za-z.-]+$/.test(options.tenantId)
            ? []
            : [`tenantId: ${JSON.stringify(options.tenantId)} is not a tenant id or domain.`]),
        ...(/^[A-Za-z0-9_-]{43}$/.test(options.thumbprintSha256 ?? "")
            ? []
            : [`thumbprintSha256: ${JSON.stringify(options.thumbprintSha256)} is not an x5t#S256 (43 base64url characters); use the connection's activeThumbprintSha256.`]),
        ...(Number.isInteger(lifetime) && lifetime >= 60 && lifetime <= MAX_LIFETIME_SECONDS
            ? []
            : [`lifetimeSeconds: ${lifetime} is not allowed; use a whole number from 60 to ${MAX_LIFETIME_SECONDS}.`]),
        ...(/^https:\/\/[^/?#]+$/.test(authorityHost) ? [] : [`authorityHost: ${JSON.stringify(authorityHost)} is not an https origin such as https://login.microsoftonline.us.`]),
    ];
    if (problems.length > 0) {
        throw new TypeError(`keyVaultClientAssertion: ${problems.join(" ")}`);
    }
    const signer = new CryptographyClient(options.keyId, options.credential, options.cryptographyClientOptions);
    const header = base64urlJson({ alg: "PS256", typ: "JWT", "x5t#S256": options.thumbprintSha256 });

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
        const signingInput = `${header}.${base64urlJson(claims)}`;
        const { result } = await signer.sign("PS256", createHash("sha256").update(signingInput).digest());
        return `${signingInput}.${Buffer.from(result).toString("base64url")}`;
    };
}

function keyIdProblems(keyId: unknown): string[] {
    const hint = "use the connection's activeKeyId, https://<vault>.vault.azure.net/keys/<name>/<version>.";
    if (typeof keyId !== "string") {
        return [`keyId: ${JSON.stringify(keyId)} is not a key id; ${hint}`];
    }
    try {
        const { version } = parseKeyVaultKeyIdentifier(keyId);
        // An unversioned id would sign with whatever version is newest, which need not be the registered one.
        return version ? [] : [`keyId: ${JSON.stringify(keyId)} names no key version; ${hint}`];
    } catch {
        return [`keyId: ${JSON.stringify(keyId)} is not a key id; ${hint}`];
    }
}

function base64urlJson(value: unknown): string {
    return Buffer.from(JSON.stringify(value)).toString("base64url");
}
