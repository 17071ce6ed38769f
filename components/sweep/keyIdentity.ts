import { X509Certificate, createHash } from "node:crypto";

// Which certificate a key credential is. Not its customKeyIdentifier: whoever adds a credential
// chooses that value, Graph only defaults it to the certificate's thumbprint
// (https://learn.microsoft.com/graph/api/resources/keycredential?view=graph-rest-1.0), so an
// attacker's credential could carry a declared certificate's thumbprint there. Not its keyId
// either: a PATCH may register another certificate under a keyId the stack knows. The certificate
// bytes Graph returns in `key` are what signs in, so their SHA-1 (the thumbprint Entra ID and the
// stack's certificates report) is what the sweep compares.

const THUMBPRINT = /^[0-9A-F]{40}$/;

/** The SHA-1 thumbprint of a certificate given as base64 DER: 40 uppercase hex digits. */
export function thumbprintOfKey(keyBase64: string): string {
    return createHash("sha1").update(Buffer.from(keyBase64, "base64")).digest("hex").toUpperCase();
}

/** A declared thumbprint in the form the sweep compares (uppercase), or undefined when it is not 40 hex digits. */
export function normalizeThumbprint(thumbprint: string): string | undefined {
    const upper = thumbprint.replace(/:/g, "").toUpperCase();
    return THUMBPRINT.test(upper) ? upper : undefined;
}

/** The notBefore of a certificate given as base64 DER, RFC 3339; null when the bytes are not a certificate. */
export function notBeforeOfKey(keyBase64: string): string | null {
    try {
        return new Date(new X509Certificate(Buffer.from(keyBase64, "base64")).validFrom).toISOString();
    } catch {
        return null;
    }
}
