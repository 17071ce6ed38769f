import { X509Certificate, constants, createHash, randomUUID, verify } from "node:crypto";
import { Agent, request } from "node:https";
import { ConfidentialClientApplication, type Configuration, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from "@azure/msal-node";
import { HttpsStandIn, loopbackLookup, readBody } from "./standInServer";

// A stand-in for Entra ID's token endpoint in the client credentials flow with a certificate
// credential (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow#second-case-access-token-request-with-a-certificate):
// POST /{tenant}/oauth2/v2.0/token with a `client_assertion`. It accepts the assertion only as Entra
// would: signed (PS256 or RS256) by a certificate registered for that client, found by its
// `x5t#S256`, with `aud` the endpoint itself, `iss` = `sub` = the client id, a `jti`, and inside its
// validity (https://learn.microsoft.com/entra/identity-platform/certificate-credentials).
// Otherwise 401 invalid_client, with the AADSTS text Entra gives for that fault.

export interface TokenGrant {
    readonly clientId: string;
    readonly header: Record<string, unknown>;
    readonly claims: Record<string, unknown>;
}

export class TokenStandIn extends HttpsStandIn {
    /** Registered certificates per client id, as key credentials are. */
    readonly certificates = new Map<string, X509Certificate[]>();
    readonly grants: TokenGrant[] = [];
    readonly refusals: string[] = [];

    static async start(): Promise<TokenStandIn> {
        const { server, port, caPem } = await HttpsStandIn.listen("DNS:login.microsoftonline.com");
        const standIn = new TokenStandIn(server, port, caPem);
        server.on(
            "request",
            (req, res) =>
                void (async () => {
                    const form = new URLSearchParams(await readBody(req));
                    const endpoint = `https://${req.headers.host}${req.url?.split("?")[0]}`;
                    const [status, body] = standIn.exchange(endpoint, form);
                    res.writeHead(status, { "content-type": "application/json" });
                    res.end(JSON.stringify(body));
                })(),
        );
        return standIn;
    }

    /** The authority MSAL is configured with: the public cloud's host on the stand-in's port. */
    authority(tenantId: string): string {
        return `https://login.microsoftonline.com:${this.port}/${tenantId}`;
    }

    tokenEndpoint(tenantId: string): string {
        return `${this.authority(tenantId)}/oauth2/v2.0/token`;
    }

    register(clientId: string, certificatePem: string): void {
        this.certificates.set(clientId, [...(this.certificates.get(clientId) ?? []), new X509Certificate(certificatePem)]);
    }

    /**
     * MSAL for Node as a vendor configures it, signing in to `tenantId` as `clientId` with
     * `clientAssertion` (a signed assertion, or a callback that makes one), against this stand-in.
     */
    confidentialClient(tenantId: string, clientId: string, clientAssertion: NonNullable<Configuration["auth"]["clientAssertion"]>): ConfidentialClientApplication {
        const authority = this.authority(tenantId);
        return new ConfidentialClientApplication({
            auth: {
                clientId,
                authority,
                clientAssertion,
                knownAuthorities: [new URL(authority).host],
                // The metadata MSAL would otherwise discover from the real cloud.
                authorityMetadata: JSON.stringify({
                    token_endpoint: this.tokenEndpoint(tenantId),
                    issuer: `${authority}/v2.0`,
                    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
                    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
                    jwks_uri: `${authority}/discovery/v2.0/keys`,
                }),
            },
            system: { networkClient: this.networkClient() },
        });
    }

    /**
     * MSAL's transport, over real HTTPS to this stand-in (trusting its CA, every name resolved to
     * 127.0.0.1): MSAL builds the request and calls the assertion callback itself.
     */
    networkClient(): INetworkModule {
        const agent = new Agent({ ca: this.caPem, lookup: loopbackLookup });
        const send = <T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> =>
            new Promise((resolve, reject) => {
                const req = request(url, { method, agent, headers: options?.headers }, (res) => {
                    readBody(res).then(
                        (text) => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body: JSON.parse(text || "{}") as T }),
                        reject,
                    );
                });
                req.on("error", reject);
                req.end(options?.body);
            });
        return { sendGetRequestAsync: (url, options) => send("GET", url, options), sendPostRequestAsync: (url, options) => send("POST", url, options) };
    }

    private exchange(endpoint: string, form: URLSearchParams): [number, unknown] {
        const refuse = (description: string): [number, unknown] => {
            this.refusals.push(description);
            return [401, { error: "invalid_client", error_description: description, error_codes: [700027], trace_id: randomUUID() }];
        };
        if (form.get("grant_type") !== "client_credentials" || form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
            return [400, { error: "invalid_request", error_description: "AADSTS900144: The request body must contain the following parameter: 'client_assertion'." }];
        }
        const clientId = form.get("client_id") ?? "";
        const [headerText, claimsText, signatureText] = (form.get("client_assertion") ?? "").split(".");
        let header: Record<string, unknown>;
        let claims: Record<string, unknown>;
        try {
            header = JSON.parse(Buffer.from(headerText, "base64url").toString("utf8"));
            claims = JSON.parse(Buffer.from(claimsText, "base64url").toString("utf8"));
        } catch {
            return refuse("AADSTS50027: JWT token is invalid or malformed.");
        }
        const certificate = (this.certificates.get(clientId) ?? []).find((c) => createHash("sha256").update(c.raw).digest("base64url") === header["x5t#S256"]);
        if (!certificate) {
            return refuse(
                `AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${String(header["x5t#S256"])}']`,
            );
        }
        const signingInput = Buffer.from(`${headerText}.${claimsText}`);
        const signature = Buffer.from(signatureText ?? "", "base64url");
        const key = header.alg === "PS256" ? { key: certificate.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : certificate.publicKey;
        if (!["PS256", "RS256"].includes(String(header.alg)) || !verify("sha256", signingInput, key, signature)) {
            return refuse("AADSTS700027: Client assertion failed signature validation.");
        }
        const now = Math.floor(Date.now() / 1000);
        const problems = [
            claims.aud === endpoint ? undefined : `aud ${String(claims.aud)} is not ${endpoint}`,
            claims.iss === clientId && claims.sub === clientId ? undefined : "iss and sub must be the client id",
            typeof claims.jti === "string" && claims.jti.length > 0 ? undefined : "jti is missing",
            typeof claims.nbf === "number" && claims.nbf <= now + 300 ? undefined : "nbf is in the future",
            typeof claims.exp === "number" && claims.exp > now ? undefined : "the assertion has expired",
            new Date(certificate.validTo).getTime() > Date.now() && new Date(certificate.validFrom).getTime() <= Date.now() ? undefined : "the certificate is outside its validity",
        ].filter((p): p is string => p !== undefined);
        if (problems.length > 0) {
            return refuse(`AADSTS700024: Client assertion is not within its valid time range or is otherwise invalid: ${problems.join("; ")}.`);
        }
        this.grants.push({ clientId, header, claims });
        return [200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: `stand-in-access-token-${randomUUID()}` }];
    }
}
