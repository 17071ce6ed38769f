import * as assert from "node:assert/strict";
import * as forge from "node-forge";
import { PKCS12_KDF_PURPOSE, Pkcs12KdfPurpose, pkcs12Kdf } from "../../components/certificate/pkcs12Kdf";

// The native RFC 7292 appendix B key derivation against node-forge's, which wrote every PKCS#12
// this library issued before the engine moved to Node's crypto: same password, salt, ID, iteration
// count and length must give the same octets, or existing clients would stop opening our files.

const { KEY, IV, MAC } = PKCS12_KDF_PURPOSE;

interface Vector {
    readonly password: string;
    readonly salt: string;
    readonly purpose: Pkcs12KdfPurpose;
    readonly iterations: number;
    readonly length: number;
}

function forgeKdf({ password, salt, purpose, iterations, length }: Vector): string {
    const saltBuffer = forge.util.createBuffer(Buffer.from(salt, "hex").toString("binary"));
    return forge.pkcs12.generateKey(password, saltBuffer, purpose, iterations, length).toHex();
}

function nativeKdf({ password, salt, purpose, iterations, length }: Vector): string {
    return pkcs12Kdf(password, Buffer.from(salt, "hex"), purpose, iterations, length).toString("hex");
}

describe("PKCS#12 key derivation (RFC 7292, appendix B)", () => {
    describe("gives the published answers", () => {
        // Dr Stephen Henson's PKCS#12 test vectors, which OpenSSL's and BouncyCastle's test suites use.
        const published: (Vector & { expected: string })[] = [
            { password: "smeg", salt: "0a58cf64530d823f", purpose: KEY, iterations: 1, length: 24, expected: "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3" },
            { password: "smeg", salt: "0a58cf64530d823f", purpose: IV, iterations: 1, length: 8, expected: "79993dfe048d3b76" },
            { password: "smeg", salt: "3d83c0e4546ac140", purpose: MAC, iterations: 1, length: 20, expected: "8d967d88f6caa9d714800ab3d48051d63f73a312" },
            { password: "queeg", salt: "05dec959acff72f7", purpose: KEY, iterations: 1000, length: 24, expected: "ed2034e36328830ff09df1e1a07dd357185dac0d4f9eb3d4" },
            { password: "queeg", salt: "05dec959acff72f7", purpose: IV, iterations: 1000, length: 8, expected: "11dedad7758d4860" },
        ];
        for (const vector of published) {
            it(`password "${vector.password}", ID ${vector.purpose}, ${vector.iterations} iteration(s), ${vector.length} octets`, () => {
                assert.equal(nativeKdf(vector), vector.expected);
                assert.equal(forgeKdf(vector), vector.expected);
            });
        }
    });

    describe("matches node-forge's pkcs12.generateKey", () => {
        const salt = "8c1f3a5e77d2049b";
        const vectors: (Vector & { why: string })[] = [
            { why: "the key bag's 3DES key, as issued", password: "", salt, purpose: KEY, iterations: 2048, length: 24 },
            { why: "the key bag's IV, as issued", password: "", salt, purpose: IV, iterations: 2048, length: 8 },
            { why: "the MAC key, as issued", password: "", salt, purpose: MAC, iterations: 2048, length: 20 },
            { why: "a non-empty password", password: "Acme Backup Ltd", salt, purpose: KEY, iterations: 3, length: 24 },
            // Three rounds over a salt and a password both longer than one 64-octet block: step 6c's
            // carries run across several blocks of I, and the last copies are truncated.
            {
                why: "long salt and non-ASCII password, several rounds",
                password: "pässwörd-€-".repeat(4),
                salt: "f0e1d2c3b4a59687".repeat(9),
                purpose: KEY,
                iterations: 5,
                length: 60,
            },
            { why: "a salt whose octets carry (0xff)", password: "", salt: "ffffffffffffffff", purpose: MAC, iterations: 2, length: 64 },
        ];
        for (const vector of vectors) {
            it(`${vector.why}: ID ${vector.purpose}, ${vector.iterations} iterations, ${vector.length} octets`, () => {
                assert.equal(nativeKdf(vector), forgeKdf(vector));
            });
        }
    });

    it("derives the 8-octet IV that node-forge took from the 24 octets it derived", () => {
        const iv: Vector = { password: "", salt: "8c1f3a5e77d2049b", purpose: IV, iterations: 2048, length: 8 };
        assert.equal(nativeKdf(iv), forgeKdf({ ...iv, length: 24 }).slice(0, 16));
    });

    it("reads the empty password as the BMPString terminator 00 00, as node-forge does, not as no password", () => {
        const vector: Vector = { password: "", salt: "0102030405060708", purpose: MAC, iterations: 2048, length: 20 };
        const saltBuffer = forge.util.createBuffer(Buffer.from(vector.salt, "hex").toString("binary"));
        const withoutPassword = forge.pkcs12.generateKey(null as unknown as string, saltBuffer, MAC, 2048, 20).toHex();
        assert.equal(nativeKdf(vector), forgeKdf(vector));
        assert.notEqual(nativeKdf(vector), withoutPassword);
    });

    it("refuses fewer than one iteration, which would hash nothing", () => {
        assert.throws(() => pkcs12Kdf("", Buffer.alloc(8), KEY, 0, 24), /at least one iteration; got 0/);
    });
});
