import { KeyObject, sign } from "node:crypto";
import * as forge from "node-forge";

// The certificate and PKCS#12 exactly as the engine built them with node-forge before it moved to
// Node's crypto: the reference the native encoders must match octet for octet, so that every
// client which opened the old files (OpenSSL, Node TLS, Key Vault, .NET) opens the new ones alike.
// Test-only: node-forge is not available to the serialized dynamic provider.

export interface ReferenceCertificateInput {
    readonly serialNumberHex: string;
    readonly commonName: string;
    readonly organization?: string;
    readonly notBefore: Date;
    readonly notAfter: Date;
    readonly privateKey: KeyObject;
}

export interface ReferenceCertificate {
    readonly tbsDer: Buffer;
    readonly certificateDer: Buffer;
    /** forge's PEM with "\r\n" turned into "\n", as the engine returned it. */
    readonly certificatePem: string;
    readonly forgeCertificate: forge.pki.Certificate;
    readonly forgeKey: forge.pki.rsa.PrivateKey;
}

const toBuffer = (bytes: string): Buffer => Buffer.from(bytes, "binary");

/** The old engine's certificate, signed natively as it was (RSA SHA-256 over the TBSCertificate). */
export function referenceCertificate(input: ReferenceCertificateInput): ReferenceCertificate {
    const privateKeyPem = input.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const forgeKey = forge.pki.privateKeyFromPem(privateKeyPem) as forge.pki.rsa.PrivateKey;
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
    cert.serialNumber = input.serialNumberHex;
    cert.validity.notBefore = input.notBefore;
    cert.validity.notAfter = input.notAfter;
    const utf8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
    const name: forge.pki.CertificateField[] = [];
    if (input.organization !== undefined) {
        name.push({ shortName: "O", value: input.organization, valueTagClass: utf8 });
    }
    name.push({ shortName: "CN", value: input.commonName, valueTagClass: utf8 });
    cert.setSubject(name);
    cert.setIssuer(name);
    cert.setExtensions([
        { name: "basicConstraints", critical: true, cA: false },
        { name: "keyUsage", critical: true, digitalSignature: true },
        { name: "extKeyUsage", clientAuth: true },
        { name: "subjectKeyIdentifier" },
    ]);
    cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
    const getTbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate;
    cert.tbsCertificate = getTbs(cert);
    const tbsDer = toBuffer(forge.asn1.toDer(cert.tbsCertificate).getBytes());
    cert.signature = sign("sha256", tbsDer, input.privateKey).toString("binary");
    return {
        tbsDer,
        certificateDer: toBuffer(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes()),
        certificatePem: forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n"),
        forgeCertificate: cert,
        forgeKey,
    };
}

/**
 * The old engine's PKCS#12 (empty password, 3DES key bag, SHA-1 MAC, 2048 iterations, friendly
 * name and local key id), with forge's random salts replaced by the given ones: forge draws the
 * key bag's salt first, then the MAC's.
 */
export function referencePkcs12(certificate: ReferenceCertificate, friendlyName: string, salts: { keyBag: Buffer; mac: Buffer }): Buffer {
    const random = forge.random as unknown as { getBytes(count: number): string; getBytesSync(count: number): string };
    const { getBytes, getBytesSync } = random;
    const queue = [salts.keyBag, salts.mac];
    const next = (count: number): string => {
        const salt = queue.shift();
        if (salt === undefined || salt.length !== count) {
            throw new Error(`node-forge asked for ${count} random octets beyond the two salts`);
        }
        return salt.toString("binary");
    };
    random.getBytes = random.getBytesSync = next;
    try {
        const pfx = forge.pkcs12.toPkcs12Asn1(certificate.forgeKey, [certificate.forgeCertificate], "", {
            algorithm: "3des",
            count: 2048,
            friendlyName,
            generateLocalKeyId: true,
        });
        if (queue.length > 0) {
            throw new Error("node-forge did not draw both salts");
        }
        return toBuffer(forge.asn1.toDer(pfx).getBytes());
    } finally {
        random.getBytes = getBytes;
        random.getBytesSync = getBytesSync;
    }
}
