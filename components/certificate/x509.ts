import { KeyObject, createHash, randomBytes } from "node:crypto";
import {
    bitString,
    booleanTrue,
    explicit,
    generalizedTime,
    nullValue,
    objectIdentifier,
    octetString,
    sequence,
    set,
    smallInteger,
    unsignedInteger,
    utcTime,
    utf8String,
} from "./der";

// The X.509 v3 certificate we issue (RFC 5280): self-signed, end-entity, for TLS client
// authentication and Entra client assertions, signed sha256WithRSAEncryption. Octet for octet the
// profile node-forge wrote before the engine moved to Node's crypto (tests/certificate/x509.test.ts
// compares the two), so certificates issued before and after the move look alike to every client.

/** What the certificate states; its subject is also its issuer. */
export interface CertificateContents {
    /** The serial's magnitude, unsigned big-endian; RFC 5280 4.1.2.2 wants it positive. */
    readonly serialNumber: Uint8Array;
    readonly commonName: string;
    readonly organization?: string;
    /** Whole seconds: the validity is exactly [notBefore, notAfter]. */
    readonly notBefore: Date;
    readonly notAfter: Date;
    /** The RSA public key being certified. */
    readonly publicKey: KeyObject;
}

const OID = {
    sha256WithRSAEncryption: "1.2.840.113549.1.1.11",
    organizationName: "2.5.4.10",
    commonName: "2.5.4.3",
    basicConstraints: "2.5.29.19",
    keyUsage: "2.5.29.15",
    extKeyUsage: "2.5.29.37",
    subjectKeyIdentifier: "2.5.29.14",
    clientAuth: "1.3.6.1.5.5.7.3.2",
};

/** The TBSCertificate of RFC 5280 4.1.2, in DER: the octets the signature covers. */
export function tbsCertificate(contents: CertificateContents): Buffer {
    const name = distinguishedName(contents);
    return sequence(
        explicit(0, smallInteger(2)), // version v3 (4.1.2.1): extensions follow
        unsignedInteger(contents.serialNumber),
        signatureAlgorithm(),
        name, // issuer
        sequence(validityTime(contents.notBefore), validityTime(contents.notAfter)),
        name, // subject
        contents.publicKey.export({ type: "spki", format: "der" }),
        explicit(3, sequence(...extensions(contents.publicKey))),
    );
}

/** RFC 5280 4.1.1: the TBSCertificate, the algorithm again, and the signature as a BIT STRING. */
export function signedCertificate(tbs: Uint8Array, signature: Uint8Array): Buffer {
    return sequence(tbs, signatureAlgorithm(), bitString(signature));
}

/** sha256WithRSAEncryption with NULL parameters, which RFC 4055 section 5 requires to be present. */
function signatureAlgorithm(): Buffer {
    return sequence(objectIdentifier(OID.sha256WithRSAEncryption), nullValue());
}

/**
 * [O,] CN, one attribute per RelativeDistinguishedName (4.1.2.4). UTF8String, which RFC 5280
 * prefers, because vendor and tenant names hold "_", "@" and non-ASCII letters that
 * PrintableString cannot.
 */
function distinguishedName({ organization, commonName }: CertificateContents): Buffer {
    const attribute = (oid: string, value: string) => set(sequence(objectIdentifier(oid), utf8String(value)));
    return sequence(...(organization !== undefined ? [attribute(OID.organizationName, organization)] : []), attribute(OID.commonName, commonName));
}

/** 4.1.2.5: UTCTime for the years 1950 to 2049, GeneralizedTime from 2050 (and before 1950). */
function validityTime(instant: Date): Buffer {
    const year = instant.getUTCFullYear();
    return year >= 1950 && year < 2050 ? utcTime(instant) : generalizedTime(instant);
}

/** An end-entity certificate that may sign, only for client authentication, and names its key. */
function extensions(publicKey: KeyObject): Buffer[] {
    return [
        // 4.2.1.9: cA is FALSE, its default, so DER leaves the SEQUENCE empty.
        extension(OID.basicConstraints, true, sequence()),
        // 4.2.1.3: digitalSignature is bit 0; DER drops the 7 trailing zero bits (X.690 11.2.2).
        extension(OID.keyUsage, true, bitString(Uint8Array.of(0x80), 7)),
        // 4.2.1.12: clientAuth only; not critical, as in every certificate issued so far.
        extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.clientAuth))),
        extension(OID.subjectKeyIdentifier, false, octetString(subjectKeyIdentifier(publicKey))),
    ];
}

/** 4.1.2.9's Extension: critical is written only when TRUE, FALSE being its default. */
function extension(oid: string, critical: boolean, value: Uint8Array): Buffer {
    return sequence(objectIdentifier(oid), ...(critical ? [booleanTrue()] : []), octetString(value));
}

/**
 * 4.2.1.2, method 1: the SHA-1 of the subjectPublicKey BIT STRING's contents (without tag, length
 * or unused-bits octet). For RSA those contents are the PKCS#1 RSAPublicKey, which Node exports
 * directly.
 */
function subjectKeyIdentifier(publicKey: KeyObject): Buffer {
    return createHash("sha1")
        .update(publicKey.export({ type: "pkcs1", format: "der" }))
        .digest();
}

/**
 * RFC 5280 4.1.2.2: positive, at most 20 octets, and (CA/B Forum BR 7.1) at least 64 random bits.
 * Clearing the top bit keeps the DER INTEGER positive; setting the next one keeps the first octet
 * non-zero, so the encoding needs no leading zero and the hex reads the same: 126 random bits.
 */
export function randomSerialNumber(): Buffer {
    const serial = randomBytes(16);
    serial[0] = (serial[0] & 0x7f) | 0x40;
    return serial;
}
