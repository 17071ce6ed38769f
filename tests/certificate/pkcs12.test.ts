import * as assert from "node:assert/strict";
import { KeyObject, createHash, generateKeyPairSync } from "node:crypto";
import { createSecureContext } from "node:tls";
import { derivePkcs12Protection, pkcs12 } from "../../components/certificate/pkcs12";
import { ReferenceCertificate, referenceCertificate, referencePkcs12 } from "./support/forgeReference";

// The native PKCS#12 encoder against node-forge's, which wrote every file this library issued
// before the engine moved to Node's crypto: with the same key, certificate, friendly name and
// salts, the files must be the same octets. A file holds the private key under an empty password,
// so files are only ever compared as booleans, and a mismatch reports an offset, never content.

describe("PKCS#12 encoder", () => {
    let privateKey: KeyObject;

    before(() => {
        ({ privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 0x10001 }));
    });

    function certificateFor(commonName: string): ReferenceCertificate {
        return referenceCertificate({
            serialNumberHex: "4f1e2d3c4b5a69788796a5b4c3d2e1f0",
            commonName,
            organization: "Acme Backup Ltd",
            notBefore: new Date("2026-03-01T00:00:00Z"),
            notAfter: new Date("2026-03-15T00:00:00Z"),
            privateKey,
        });
    }

    function nativePkcs12(certificate: ReferenceCertificate, friendlyName: string, salts: { keyBag: Buffer; mac: Buffer }): Buffer {
        return pkcs12(
            {
                privateKeyInfo: privateKey.export({ type: "pkcs8", format: "der" }),
                certificate: certificate.certificateDer,
                friendlyName,
                localKeyId: createHash("sha1").update(certificate.certificateDer).digest(),
            },
            derivePkcs12Protection(salts),
        );
    }

    function firstDifference(a: Buffer, b: Buffer): string {
        const length = Math.min(a.length, b.length);
        for (let offset = 0; offset < length; offset++) {
            if (a[offset] !== b[offset]) {
                return `first difference at offset ${offset} of ${a.length} and ${b.length} octets`;
            }
        }
        return a.length === b.length ? "identical" : `lengths ${a.length} and ${b.length} differ`;
    }

    const cases = [
        { why: "a short ASCII name", friendlyName: "acme", salts: { keyBag: "0102030405060708", mac: "f1e2d3c4b5a69788" } },
        { why: "a name with characters outside ASCII", friendlyName: "Zoë_backup@contoso.example €", salts: { keyBag: "a0b1c2d3e4f50617", mac: "0000000000000000" } },
        { why: "the longest name validation allows", friendlyName: "n".repeat(64), salts: { keyBag: "ffffffffffffffff", mac: "8899aabbccddeeff" } },
    ];
    for (const c of cases) {
        it(`writes the file node-forge wrote, for the same salts: ${c.why}`, () => {
            const certificate = certificateFor(c.friendlyName);
            const salts = { keyBag: Buffer.from(c.salts.keyBag, "hex"), mac: Buffer.from(c.salts.mac, "hex") };
            const native = nativePkcs12(certificate, c.friendlyName, salts);
            const reference = referencePkcs12(certificate, c.friendlyName, salts);
            assert.ok(native.equals(reference), firstDifference(native, reference));
        });
    }

    it("draws fresh salts for every file", () => {
        const first = derivePkcs12Protection();
        const second = derivePkcs12Protection();
        assert.equal(first.keyBag.salt.length, 8);
        assert.equal(first.mac.salt.length, 8);
        assert.ok(!first.keyBag.salt.equals(second.keyBag.salt), "the key bag salt repeated");
        assert.ok(!first.mac.salt.equals(second.mac.salt), "the MAC salt repeated");
        assert.ok(!first.keyBag.salt.equals(first.mac.salt), "the key bag and the MAC share a salt");
    });

    it("is loaded by Node's TLS without a passphrase", () => {
        const certificate = certificateFor("acme");
        const file = nativePkcs12(certificate, "acme", { keyBag: Buffer.from("0102030405060708", "hex"), mac: Buffer.from("1112131415161718", "hex") });
        assert.doesNotThrow(() => createSecureContext({ pfx: file }));
    });
});
