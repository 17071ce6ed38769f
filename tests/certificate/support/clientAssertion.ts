import { X509Certificate, constants, createHash, randomUUID, sign, verify } from "node:crypto";

// A JWT client assertion as a vendor presents it to the Microsoft identity platform, and the checks
// Entra makes on it: find the registered certificate by the thumbprint in the header, check its
// validity, verify the signature with its public key, then the claims
// (learn.microsoft.com/entra/identity-platform/certificate-credentials). Written against
// node:crypto only, independently of the engine under test.

export type AssertionAlgorithm = "RS256" | "PS256";

export interface AssertionRequest {
    readonly algorithm: AssertionAlgorithm;
    readonly privateKeyPem: string;
    /** Header thumbprint: RS256 carries `x5t` (SHA-1), PS256 carries `x5t#S256` (SHA-256). */
    readonly thumbprint: { readonly x5t: string } | { readonly "x5t#S256": string };
    readonly clientId: string;
    readonly tenantId: string;
    readonly now: Date;
}

export interface AssertionExpectation {
    readonly clientId: string;
    readonly tenantId: string;
    readonly now: Date;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const LIFETIME_SECONDS = 600;

export function tokenEndpoint(tenantId: string): string {
    return `https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/token`;
}

export function signClientAssertion(request: AssertionRequest): string {
    const header = { alg: request.algorithm, typ: "JWT", ...request.thumbprint };
    const issuedAt = Math.floor(request.now.getTime() / 1000);
    const claims = {
        aud: tokenEndpoint(request.tenantId),
        iss: request.clientId,
        sub: request.clientId,
        jti: randomUUID(),
        iat: issuedAt,
        nbf: issuedAt,
        exp: issuedAt + LIFETIME_SECONDS,
    };
    const signingInput = `${encode(header)}.${encode(claims)}`;
    const signature = sign("sha256", Buffer.from(signingInput), { key: request.privateKeyPem, ...padding(request.algorithm) });
    return `${signingInput}.${signature.toString("base64url")}`;
}

/** Verifies as Entra does, against the certificates registered on the application. */
export function verifyClientAssertion(jwt: string, registered: readonly X509Certificate[], expect: AssertionExpectation): Verdict {
    const parts = jwt.split(".");
    if (parts.length !== 3) {
        return { ok: false, reason: "not a compact JWS" };
    }
    const header = decode(parts[0]);
    const claims = decode(parts[1]);
    if (header.alg !== "RS256" && header.alg !== "PS256") {
        return { ok: false, reason: `alg ${String(header.alg)} is not accepted` };
    }
    const certificate = registered.find(
        (cert) =>
            (typeof header.x5t === "string" && header.x5t === createHash("sha1").update(cert.raw).digest("base64url")) ||
            (typeof header["x5t#S256"] === "string" && header["x5t#S256"] === createHash("sha256").update(cert.raw).digest("base64url")),
    );
    if (!certificate) {
        return { ok: false, reason: "no registered certificate has the header's thumbprint" };
    }
    if (expect.now < new Date(certificate.validFrom) || expect.now > new Date(certificate.validTo)) {
        return { ok: false, reason: "the certificate is not valid now" };
    }
    const signed = verify("sha256", Buffer.from(`${parts[0]}.${parts[1]}`), { key: certificate.publicKey, ...padding(header.alg) }, Buffer.from(parts[2], "base64url"));
    if (!signed) {
        return { ok: false, reason: "the signature does not verify with the certificate's public key" };
    }
    const now = Math.floor(expect.now.getTime() / 1000);
    if (claims.aud !== tokenEndpoint(expect.tenantId)) {
        return { ok: false, reason: `aud ${String(claims.aud)} is not the token endpoint` };
    }
    if (claims.iss !== expect.clientId || claims.sub !== expect.clientId) {
        return { ok: false, reason: "iss and sub must both be the client id" };
    }
    if (typeof claims.jti !== "string" || claims.jti === "") {
        return { ok: false, reason: "jti is missing" };
    }
    if (typeof claims.nbf !== "number" || typeof claims.exp !== "number" || claims.nbf > now || claims.exp <= now) {
        return { ok: false, reason: "the assertion is not valid now" };
    }
    return { ok: true };
}

function padding(algorithm: unknown): { padding: number; saltLength?: number } {
    return algorithm === "PS256" ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : { padding: constants.RSA_PKCS1_PADDING };
}

function encode(value: object): string {
    return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function decode(part: string): Record<string, unknown> {
    try {
        return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
    } catch {
        return {};
    }
}
