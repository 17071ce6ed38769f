import { createCipheriv, createHmac, randomBytes } from "node:crypto";
import { bmpString, explicit, nullValue, objectIdentifier, octetString, sequence, set, smallInteger } from "./der";
import { PKCS12_KDF_PURPOSE, pkcs12Kdf } from "./pkcs12Kdf";

// The PKCS#12 file (RFC 7292) that Key Vault stores as an application/x-pkcs12 secret and that
// vendors import: a private key and its certificate, with the empty password. Octet for octet
// what node-forge wrote before the engine moved to Node's crypto (tests/certificate/pkcs12.test.ts
// compares the two), because every client in use opens that layout: OpenSSL 3 without its legacy
// provider, Node's TLS `pfx`, Key Vault, Windows and .NET. Hence:
// - the key is a pkcs8ShroudedKeyBag under pbeWithSHAAnd3-KeyTripleDES-CBC, which all of them
//   read; the certificate bag is not encrypted (the usual choice there, RC2, needs OpenSSL's
//   legacy provider);
// - a SHA-1 HMAC over the contents, keyed from the same empty password, which all of them verify;
// - 2048 iterations, OpenSSL's own default (PKCS12_DEFAULT_ITER); 8-octet random salts.

/**
 * Empty, not absent: the key is still encrypted and the file still MACed, with keys derived from
 * the password's BMPString terminator alone (pkcs12Kdf.ts), which is what OpenSSL and Node's TLS
 * derive when given no passphrase.
 */
const PASSWORD = "";
const ITERATIONS = 2048;
const SALT_LENGTH = 8;
/** Three-key 3DES: a 24-octet key and the 8-octet DES block as IV (RFC 7292 appendix C). */
const TRIPLE_DES_KEY_LENGTH = 24;
const TRIPLE_DES_IV_LENGTH = 8;
const HMAC_SHA1_KEY_LENGTH = 20;

const OID = {
    data: "1.2.840.113549.1.7.1",
    pkcs8ShroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
    certBag: "1.2.840.113549.1.12.10.1.3",
    x509Certificate: "1.2.840.113549.1.9.22.1",
    friendlyName: "1.2.840.113549.1.9.20",
    localKeyId: "1.2.840.113549.1.9.21",
    pbeWithSHAAnd3KeyTripleDESCBC: "1.2.840.113549.1.12.1.3",
    sha1: "1.3.14.3.2.26",
};

/** What the file holds. */
export interface Pkcs12Contents {
    /** PKCS#8 PrivateKeyInfo, DER. Secret. */
    readonly privateKeyInfo: Uint8Array;
    /** The certificate for that key, DER. */
    readonly certificate: Uint8Array;
    /** The friendlyName both bags carry: how Windows and Key Vault label the entry. */
    readonly friendlyName: string;
    /** The localKeyId both bags carry, which pairs the key with its certificate. */
    readonly localKeyId: Uint8Array;
}

/**
 * The keys and salts that protect one file. They depend on the (empty) password and fresh salts
 * only, never on the contents, so the engine derives them while the RSA key is being generated.
 */
export interface Pkcs12Protection {
    readonly keyBag: { readonly salt: Buffer; readonly key: Buffer; readonly iv: Buffer };
    readonly mac: { readonly salt: Buffer; readonly key: Buffer };
}

export interface Pkcs12Salts {
    readonly keyBag: Buffer;
    readonly mac: Buffer;
}

/**
 * Derives one file's protection (RFC 7292 appendix B.3: ID 1 for the key, 2 for the IV, 3 for the
 * MAC key). The salts are random unless given, which only tests do.
 */
export function derivePkcs12Protection(salts: Pkcs12Salts = { keyBag: randomBytes(SALT_LENGTH), mac: randomBytes(SALT_LENGTH) }): Pkcs12Protection {
    const { KEY, IV, MAC } = PKCS12_KDF_PURPOSE;
    return {
        keyBag: {
            salt: salts.keyBag,
            key: pkcs12Kdf(PASSWORD, salts.keyBag, KEY, ITERATIONS, TRIPLE_DES_KEY_LENGTH),
            iv: pkcs12Kdf(PASSWORD, salts.keyBag, IV, ITERATIONS, TRIPLE_DES_IV_LENGTH),
        },
        mac: { salt: salts.mac, key: pkcs12Kdf(PASSWORD, salts.mac, MAC, ITERATIONS, HMAC_SHA1_KEY_LENGTH) },
    };
}

/**
 * The PFX of RFC 7292 section 4, DER: version 3, the AuthenticatedSafe as `data`, and the MacData.
 * The AuthenticatedSafe holds two `data` ContentInfos (section 4.1), the certificate's SafeContents
 * first and the key's second, each with one bag.
 */
export function pkcs12(contents: Pkcs12Contents, protection: Pkcs12Protection): Buffer {
    const attributes = bagAttributes(contents);
    const certificateBag = sequence(
        objectIdentifier(OID.certBag),
        // CertBag (section 4.2.3): an x509Certificate is the DER certificate in an OCTET STRING.
        explicit(0, sequence(objectIdentifier(OID.x509Certificate), explicit(0, octetString(contents.certificate)))),
        attributes,
    );
    const keyBag = sequence(objectIdentifier(OID.pkcs8ShroudedKeyBag), explicit(0, encryptedPrivateKeyInfo(contents.privateKeyInfo, protection.keyBag)), attributes);
    const authenticatedSafe = sequence(dataContentInfo(sequence(certificateBag)), dataContentInfo(sequence(keyBag)));
    return sequence(smallInteger(3), dataContentInfo(authenticatedSafe), macData(authenticatedSafe, protection.mac));
}

/** PKCS#7 ContentInfo of type data (RFC 2315 sections 7 and 8): the content as an OCTET STRING. */
function dataContentInfo(content: Uint8Array): Buffer {
    return sequence(objectIdentifier(OID.data), explicit(0, octetString(content)));
}

/**
 * The bag attributes (section 4.2, PKCS#9 friendlyName as BMPString and localKeyId), localKeyId
 * first as node-forge wrote them. Strict DER would sort this SET OF by encoding (X.690 11.6), which
 * can put friendlyName first; the clients of every file issued so far read this order, and keeping
 * it keeps new files identical in layout to those.
 */
function bagAttributes({ friendlyName, localKeyId }: Pkcs12Contents): Buffer {
    return set(sequence(objectIdentifier(OID.localKeyId), set(octetString(localKeyId))), sequence(objectIdentifier(OID.friendlyName), set(bmpString(friendlyName))));
}

/**
 * EncryptedPrivateKeyInfo (RFC 5208 section 6) under pbeWithSHAAnd3-KeyTripleDES-CBC, whose
 * parameters are pkcs-12PbeParams (RFC 7292 appendix C): the salt and the iteration count. CBC with
 * PKCS#5 padding, which is Node's default for block ciphers.
 */
function encryptedPrivateKeyInfo(privateKeyInfo: Uint8Array, keyBag: Pkcs12Protection["keyBag"]): Buffer {
    const cipher = createCipheriv("des-ede3-cbc", keyBag.key, keyBag.iv);
    const encrypted = Buffer.concat([cipher.update(privateKeyInfo), cipher.final()]);
    const algorithm = sequence(objectIdentifier(OID.pbeWithSHAAnd3KeyTripleDESCBC), sequence(octetString(keyBag.salt), smallInteger(ITERATIONS)));
    return sequence(algorithm, octetString(encrypted));
}

/**
 * MacData (section 4): an HMAC-SHA-1 DigestInfo over the AuthenticatedSafe's DER, which is the
 * contents of the outer `data` OCTET STRING, then the salt and the iteration count.
 */
function macData(authenticatedSafe: Uint8Array, mac: Pkcs12Protection["mac"]): Buffer {
    const digest = createHmac("sha1", mac.key).update(authenticatedSafe).digest();
    const digestInfo = sequence(sequence(objectIdentifier(OID.sha1), nullValue()), octetString(digest));
    return sequence(digestInfo, octetString(mac.salt), smallInteger(ITERATIONS));
}
