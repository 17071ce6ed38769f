import { createHash, verify, type KeyObject } from "node:crypto";
import { selfSignedCertificate } from "./engine";
import type { CertificateFacts } from "./issue";

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
export async function buildExternallySignedCertificate(request: ExternallySignedRequest): Promise<CertificateFacts> {
    const { facts } = await selfSignedCertificate(request, request.publicKey, async (tbs) => {
        const signature = await request.signSha256Digest(createHash("sha256").update(tbs).digest());
        if (!verify("sha256", tbs, request.publicKey, signature)) {
            throw new SignatureMismatchError(request.commonName);
        }
        return signature;
    });
    return facts;
}
