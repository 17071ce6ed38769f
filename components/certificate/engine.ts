import type * as Crypto from "node:crypto";
import type * as Forge from "node-forge";
import type { IssuedCertificate } from "./issue";
import type { KeySize } from "./limits";

/** A request that validation has already accepted (see validate.ts); the engine trusts it. */
export interface CertificateRequest {
    readonly commonName: string;
    readonly organization?: string;
    readonly keySize: KeySize;
    /** Whole seconds; the certificate's validity is exactly [notBefore, notAfter]. */
    readonly notBefore: Date;
    readonly notAfter: Date;
}

/**
 * Issues one self-signed client certificate with a fresh RSA key (issue 2, item 2).
 *
 * Self-contained on purpose: the dynamic provider calls this function, so Pulumi serializes its
 * text into the `__provider` closure and runs it in another process. It therefore requires what it
 * needs inside its body and refers to nothing at module scope (a captured module object, such as
 * forge's, would be serialized by value or fail; tests/certificate/resource.test.ts proves this).
 *
 * Where the time goes: the key pair comes from Node's native, asynchronous generateKeyPair (libuv
 * thread pool, so concurrent issues run in parallel). node-forge builds the certificate and the
 * PKCS#12, but the RSA signature over the TBSCertificate is made by Node's OpenSSL: forge's
 * pure-JavaScript RSA took 48 ms (2048) to 233 ms (4096) per signature on the main thread here,
 * against 1-6 ms natively, which alone broke the "at most 1.25x bare key generation" target.
 * (forge.pki.rsa.generateKeyPair would also reach crypto.generateKeyPair, but hands back only
 * forge key objects; calling Node directly keeps the KeyObject that signs natively.) What remains
 * on the main thread is ~16-26 ms per certificate, mostly the PKCS#12 key derivation (bench/).
 */
export async function buildCertificate(request: CertificateRequest): Promise<IssuedCertificate> {
    const crypto: typeof Crypto = require("node:crypto");
    const forge: typeof Forge = require("node-forge");

    const keyPair = await new Promise<Crypto.KeyPairKeyObjectResult>((resolve, reject) => {
        crypto.generateKeyPair("rsa", { modulusLength: request.keySize, publicExponent: 0x10001 }, (err, publicKey, privateKey) =>
            err ? reject(err) : resolve({ publicKey, privateKey }),
        );
    });
    const privateKeyPem = keyPair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const forgeKey = forge.pki.privateKeyFromPem(privateKeyPem);

    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
    // RFC 5280 4.1.2.2: positive, at most 20 octets, and (CA/B BR 7.1) at least 64 random bits.
    // Clearing the top bit keeps the DER INTEGER positive; setting the next one keeps the first
    // octet non-zero, so forge's hex-to-INTEGER encoding stays minimal DER: 126 random bits.
    const serial = crypto.randomBytes(16);
    serial[0] = (serial[0] & 0x7f) | 0x40;
    cert.serialNumber = serial.toString("hex");
    cert.validity.notBefore = request.notBefore;
    cert.validity.notAfter = request.notAfter;

    // UTF8String rather than forge's default PrintableString, which cannot hold "_", "@" or
    // non-ASCII characters that vendor and tenant names contain.
    const utf8 = forge.asn1.Type.UTF8 as unknown as Forge.asn1.Class;
    const name: Forge.pki.CertificateField[] = [];
    if (request.organization !== undefined) {
        name.push({ shortName: "O", value: request.organization, valueTagClass: utf8 });
    }
    name.push({ shortName: "CN", value: request.commonName, valueTagClass: utf8 });
    cert.setSubject(name);
    cert.setIssuer(name);
    cert.setExtensions([
        { name: "basicConstraints", critical: true, cA: false },
        { name: "keyUsage", critical: true, digitalSignature: true },
        { name: "extKeyUsage", clientAuth: true },
        { name: "subjectKeyIdentifier" },
    ]);

    // What forge's cert.sign does, with the signature made natively (see above). SHA-256, never
    // forge's SHA-1 default (DESIGN.md, security model).
    cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
    const getTbs = (forge.pki as unknown as { getTBSCertificate(c: Forge.pki.Certificate): Forge.asn1.Asn1 }).getTBSCertificate;
    cert.tbsCertificate = getTbs(cert);
    const tbsDer = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), "binary");
    cert.signature = crypto.sign("sha256", tbsDer, keyPair.privateKey).toString("binary");

    const certificateDer = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary");

    // No passphrase, 3DES key bag and a SHA-1 MAC keyed by the empty password (issue 2): what Key
    // Vault stores for application/x-pkcs12 secrets and what .NET, Windows and OpenSSL 3 import
    // without legacy providers. The empty string (not null) is what makes forge encrypt the key
    // and compute the MAC; the certificate bag is left unencrypted (no RC2, which OpenSSL 3 only
    // reads with -legacy). 2048 iterations is OpenSSL's own default (PKCS12_DEFAULT_ITER).
    const pfx = forge.pkcs12.toPkcs12Asn1(forgeKey, [cert], "", {
        algorithm: "3des",
        count: 2048,
        friendlyName: request.commonName,
        generateLocalKeyId: true,
    });
    const pfxBase64 = Buffer.from(forge.asn1.toDer(pfx).getBytes(), "binary").toString("base64");

    const rfc3339 = (instant: Date): string => instant.toISOString().replace(/\.\d{3}Z$/, "Z");
    return {
        certificatePem: forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n"),
        privateKeyPem,
        pfxBase64,
        // Entra's customKeyIdentifier and the `x5t` header (after hex-to-base64url re-encoding).
        thumbprintSha1: crypto.createHash("sha1").update(certificateDer).digest("hex").toUpperCase(),
        // The `x5t#S256` JWT header.
        thumbprintSha256: crypto.createHash("sha256").update(certificateDer).digest("base64url"),
        serialNumber: cert.serialNumber.toUpperCase(),
        notBefore: rfc3339(request.notBefore),
        notAfter: rfc3339(request.notAfter),
    };
}
