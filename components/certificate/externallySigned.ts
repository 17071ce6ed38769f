import { createHash, verify, type KeyObject } from "node:crypto";
import { toRfc3339 } from "../time";
import { toPem } from "./pem";
import { randomSerialNumber, signedCertificate, tbsCertificate } from "./x509";

/** A certificate whose private key lives elsewhere (a Key Vault key), which signs the SHA-256 digest it is given. */
export interface ExternallySignedRequest {
    readonly commonName: string;
    readonly organization?: string;
    /** Whole seconds: the certificate's validity is exactly [notBefore, notAfter]. */
    readonly notBefore: Date;
    readonly notAfter: Date;
    /** The public half of the signing key: the key this certificate certifies. */
    readonly publicKey: KeyObject;
    /**
     * Signs a SHA-256 digest with the key's private half, RSASSA-PKCS1-v1_5 (JWS `RS256`): the
     * `sha256WithRSAEncryption` a self-signed X.509 certificate carries.
     */
    readonly signSha256Digest: (digest: Buffer) => Promise<Uint8Array>;
}

/** What a key credential and its vendor need of the certificate; there is no private key to hand out. */
export interface ExternallySignedCertificate {
    /** X.509 v3, self-signed, sha256WithRSAEncryption, end-entity, clientAuth: the profile of every certificate here. */
    readonly certificatePem: string;
    /** Upper-case hex SHA-1 of the DER: Entra's customKeyIdentifier. */
    readonly thumbprintSha1: string;
    /** Base64url SHA-256 of the DER: the `x5t#S256` header of the vendor's client assertions. */
    readonly thumbprintSha256: string;
    readonly serialNumber: string;
    readonly notBefore: string;
    readonly notAfter: string;
}

/** Thrown when the signer's signature does not verify with the public key: the wrong key signed. */
export class SignatureMismatchError extends Error {
    constructor(commonName: string) {
        super(`the signature made for certificate ${JSON.stringify(commonName)} does not verify with the key it certifies; the signer used another key`);
        this.name = "SignatureMismatchError";
    }
}

/**
 * Builds the same self-signed client certificate as the certificate engine, around a key that
 * never leaves its vault: the TBSCertificate is built here and only its SHA-256 digest goes to the
 * signer. The signature is verified with the certified key before the certificate is returned, so
 * a certificate no client could verify is never registered.
 */
export async function buildExternallySignedCertificate(request: ExternallySignedRequest): Promise<ExternallySignedCertificate> {
    const serialNumber = randomSerialNumber();
    const tbs = tbsCertificate({
        serialNumber,
        commonName: request.commonName,
        organization: request.organization,
        notBefore: request.notBefore,
        notAfter: request.notAfter,
        publicKey: request.publicKey,
    });
    const signature = Buffer.from(await request.signSha256Digest(createHash("sha256").update(tbs).digest()));
    if (!verify("sha256", tbs, request.publicKey, signature)) {
        throw new SignatureMismatchError(request.commonName);
    }
    const certificate = signedCertificate(tbs, signature);
    return {
        certificatePem: toPem("CERTIFICATE", certificate),
        thumbprintSha1: createHash("sha1").update(certificate).digest("hex").toUpperCase(),
        thumbprintSha256: createHash("sha256").update(certificate).digest("base64url"),
        serialNumber: serialNumber.toString("hex").toUpperCase(),
        notBefore: toRfc3339(request.notBefore),
        notAfter: toRfc3339(request.notAfter),
    };
}
