import { buildCertificate } from "./engine";
import { validateIssueOptions } from "./validate";

export { KEY_SIZES, MAX_LIFETIME_DAYS } from "./limits";
export type { KeySize } from "./limits";

export interface IssueCertificateOptions {
    /** Subject and issuer CN, 1 to 64 characters. Required. */
    commonName: string;
    /** RSA modulus length in bits: 2048 (default), 3072 or 4096. */
    keySize?: number;
    /** Start of validity; truncated to the whole second. */
    notBefore: Date;
    /** End of validity, after notBefore and at most 397 days later; truncated to the whole second. */
    notAfter: Date;
    /** Subject and issuer O, 1 to 64 characters. Default: none. */
    organization?: string;
}

/** What a certificate states publicly: what a key credential and a vendor's client need of it. */
export interface CertificateFacts {
    /** X.509 v3, self-signed, sha256WithRSAEncryption, end-entity, clientAuth. */
    certificatePem: string;
    /** Upper-case hex SHA-1 of the DER: Entra's customKeyIdentifier. */
    thumbprintSha1: string;
    /** Base64url SHA-256 of the DER: the `x5t#S256` JWT header. */
    thumbprintSha256: string;
    /** Upper-case hex, as Key Vault and Windows display it. */
    serialNumber: string;
    /** RFC 3339 (`YYYY-MM-DDTHH:MM:SSZ`), equal to the certificate's notBefore. */
    notBefore: string;
    /** RFC 3339 (`YYYY-MM-DDTHH:MM:SSZ`), equal to the certificate's notAfter. */
    notAfter: string;
}

/** A certificate with its own key pair, issued here. */
export interface IssuedCertificate extends CertificateFacts {
    /** PKCS#8 (`BEGIN PRIVATE KEY`). Secret. */
    privateKeyPem: string;
    /** PKCS#12 with the key and the certificate, empty password, 3DES, SHA-1 MAC. Secret. */
    pfxBase64: string;
}

/**
 * Issues a certificate with a fresh RSA key, unique to one vendor connection
 * (docs/architecture.md#rotation-invariants, 6: uniqueness).
 * Rejects bad options with a ValidationError naming each option and what is allowed; the promise
 * rejects rather than the call throwing, so callers handle one failure path.
 */
export async function issueCertificate(options: IssueCertificateOptions): Promise<IssuedCertificate> {
    return buildCertificate(validateIssueOptions(options));
}
