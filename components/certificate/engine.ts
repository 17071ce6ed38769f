import { KeyObject, createHash, generateKeyPair, sign } from "node:crypto";
import { toRfc3339 } from "../time";
import type { CertificateFacts, IssuedCertificate } from "./issue";
import type { KeySize } from "./limits";
import { toPem } from "./pem";
import { derivePkcs12Protection, pkcs12 } from "./pkcs12";
import { randomSerialNumber, signedCertificate, tbsCertificate } from "./x509";

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
 * Issues one self-signed client certificate with a fresh RSA key, and its PKCS#12.
 *
 * Node's built-in modules only, here and in everything this reaches (x509.ts, pkcs12.ts,
 * pkcs12Kdf.ts, der.ts, pem.ts): the dynamic provider calls this function, so Pulumi serializes
 * it and those modules into the `__provider` text, which the engine's dynamic provider host runs
 * from the consumer's project directory. A third-party module would be resolved from there, where
 * this package's dependencies may be nested out of reach or missing; a built-in module captured at
 * module scope is written as `require("crypto")`, which resolves anywhere. Other module-scope
 * values must be plain data (strings, numbers, plain objects) or functions, which serialize by
 * value, under names no global has (validate.ts's spellValue says why).
 * tests/certificate/portableProvider.test.ts runs the serialized provider from a directory outside
 * this repository.
 *
 * Where the time goes: the RSA key pair comes from Node's asynchronous generateKeyPair on libuv's
 * thread pool, and dominates. Meanwhile the main thread derives the PKCS#12 keys, which depend only
 * on the empty password and fresh salts: 4 x 2048 native SHA-1 iterations, the bulk of the
 * engine's own work (bench/certificates.ts). The signature is made on the thread pool too. What
 * follows the key is DER assembly, 3DES over the ~1.2 KB private key and one HMAC.
 */
export async function buildCertificate(request: CertificateRequest): Promise<IssuedCertificate> {
    // The key generation is handed to the thread pool first; the derivation then runs on this
    // thread, in a promise so that a throw from it becomes a rejection Promise.all reports, rather
    // than leaving the key generation's promise unobserved (a later failure there would be an
    // unhandled rejection).
    const [{ publicKey, privateKey }, protection] = await Promise.all([generateRsaKeyPair(request.keySize), Promise.resolve().then(() => derivePkcs12Protection())]);

    const { der: certificate, facts } = await selfSignedCertificate(request, publicKey, (tbs) => signSha256WithRsa(tbs, privateKey));
    const privateKeyInfo = privateKey.export({ type: "pkcs8", format: "der" });
    const pfx = pkcs12(
        // localKeyId, which pairs the key with its certificate: the certificate's SHA-1, as always.
        { privateKeyInfo, certificate, friendlyName: request.commonName, localKeyId: Buffer.from(facts.thumbprintSha1, "hex") },
        protection,
    );

    return {
        ...facts,
        // Node's own PEM writer, whose text toPem matches (tests/certificate/x509.test.ts): then the
        // serialized provider holds no private key PEM label, which tests/vendorConnection take for
        // key material when they search a resource's plain inputs.
        privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        pfxBase64: pfx.toString("base64"),
    };
}

/**
 * The self-signed client certificate of `subject` over `publicKey` (the profile of x509.ts), and
 * what it states publicly. `signTbs` signs the TBSCertificate's octets, sha256WithRSAEncryption,
 * with the private half of `publicKey`: wherever that half is (here, or in a Key Vault).
 */
export async function selfSignedCertificate(
    subject: Omit<CertificateRequest, "keySize">,
    publicKey: KeyObject,
    signTbs: (tbs: Buffer) => Promise<Uint8Array>,
): Promise<{ der: Buffer; facts: CertificateFacts }> {
    const serialNumber = randomSerialNumber();
    const tbs = tbsCertificate({
        serialNumber,
        commonName: subject.commonName,
        organization: subject.organization,
        notBefore: subject.notBefore,
        notAfter: subject.notAfter,
        publicKey,
    });
    const der = signedCertificate(tbs, await signTbs(tbs));
    return {
        der,
        facts: {
            certificatePem: toPem("CERTIFICATE", der),
            // Entra's customKeyIdentifier and the `x5t` header (after hex-to-base64url re-encoding).
            thumbprintSha1: createHash("sha1").update(der).digest("hex").toUpperCase(),
            // The `x5t#S256` JWT header.
            thumbprintSha256: createHash("sha256").update(der).digest("base64url"),
            serialNumber: serialNumber.toString("hex").toUpperCase(),
            notBefore: toRfc3339(subject.notBefore),
            notAfter: toRfc3339(subject.notAfter),
        },
    };
}

function generateRsaKeyPair(modulusLength: KeySize): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
    return new Promise((resolve, reject) => {
        generateKeyPair("rsa", { modulusLength, publicExponent: 0x10001 }, (err, publicKey, privateKey) => (err ? reject(err) : resolve({ publicKey, privateKey })));
    });
}

/** RSASSA-PKCS1-v1_5 with SHA-256, on the thread pool (crypto.sign with a callback). */
function signSha256WithRsa(data: Buffer, privateKey: KeyObject): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        sign("sha256", data, privateKey, (err, signature) => (err ? reject(err) : resolve(signature)));
    });
}
