import * as assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { IssuedCertificate, issueCertificate } from "../../components/certificate";
import { openssl, withPrivateDir, writePrivateFile } from "./support/openssl";

// What the native engine writes, as OpenSSL 3 reads it with its default provider only (no
// -legacy): the PKCS#12 opened and dumped with the empty passphrase, and the certificate's profile,
// including which time type encodes each validity date on either side of 2050. The dump holds the
// private key: only its bag attributes are matched as text, the key itself compared as a boolean.

describe("issued artifacts, read by openssl 3 without legacy providers", () => {
    describe("the PKCS#12, opened with `pkcs12 -info -nodes -passin pass:`", () => {
        let issued: IssuedCertificate;
        let info: string;
        let attributeBlocks: string[];
        let keyMatches: boolean;
        let certificateMatches: boolean;

        before(async () => {
            const notBefore = new Date(Date.now() - 60 * 60 * 1000);
            issued = await issueCertificate({
                commonName: "acme_backup@contoso.example",
                organization: "Acme Backup Ltd",
                notBefore,
                notAfter: new Date(notBefore.getTime() + 14 * 24 * 60 * 60 * 1000),
            });
            await withPrivateDir(async (dir) => {
                const pfx = await writePrivateFile(dir, "cert.pfx", Buffer.from(issued.pfxBase64, "base64"));
                const dump = join(dir, "dump.pem");
                info = await openssl(["pkcs12", "-in", pfx, "-passin", "pass:", "-info", "-nodes", "-out", dump], "stderr");
                const text = await readFile(dump, "utf8");
                attributeBlocks = [...text.matchAll(/^Bag Attributes\n((?: {4}.*\n)+)/gm)].map((match) => match[1]);
                const key = /-----BEGIN PRIVATE KEY-----\n[\s\S]+?-----END PRIVATE KEY-----\n/.exec(text)?.[0];
                const certificate = /-----BEGIN CERTIFICATE-----\n[\s\S]+?-----END CERTIFICATE-----\n/.exec(text)?.[0];
                keyMatches = key !== undefined && key === issued.privateKeyPem;
                certificateMatches = certificate !== undefined && new X509Certificate(certificate).raw.equals(new X509Certificate(issued.certificatePem).raw);
            });
        });

        it("verifies the SHA-1 MAC and decrypts the 3DES key bag with the empty passphrase; the certificate bag is plain data", () => {
            assert.match(info, /^MAC: sha1, Iteration 2048\nMAC length: 20, salt length: 8\n/);
            assert.match(info, /PKCS7 Data\nCertificate bag\nPKCS7 Data\nShrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048\n/);
            assert.doesNotMatch(info, /PKCS7 Encrypted data/);
        });

        it("pairs the key and the certificate by localKeyID (the certificate's SHA-1) and names both", () => {
            const localKeyId = issued.thumbprintSha1.match(/../g)?.join(" ");
            const expected = `    localKeyID: ${localKeyId} \n    friendlyName: acme_backup@contoso.example\n`;
            assert.deepEqual(attributeBlocks, [expected, expected]);
        });

        it("holds exactly the issued certificate and private key", () => {
            assert.ok(certificateMatches, "the PKCS#12 holds another certificate");
            assert.ok(keyMatches, "the PKCS#12 holds another private key");
        });
    });

    describe("the certificate's profile, from `x509 -text` and `asn1parse`", () => {
        // One case per line, read as a table.
        // prettier-ignore
        const cases = [
            { why: "UTCTime before 2050", notBefore: "2026-03-01T00:00:00Z", notAfter: "2026-03-15T00:00:00Z", types: ["UTCTIME :260301000000Z", "UTCTIME :260315000000Z"], dates: ["Mar  1 00:00:00 2026 GMT", "Mar 15 00:00:00 2026 GMT"] },
            { why: "UTCTime up to the last second of 2049, GeneralizedTime from 2050", notBefore: "2049-12-31T23:59:59Z", notAfter: "2050-01-01T00:00:00Z", types: ["UTCTIME :491231235959Z", "GENERALIZEDTIME :20500101000000Z"], dates: ["Dec 31 23:59:59 2049 GMT", "Jan  1 00:00:00 2050 GMT"] },
            { why: "GeneralizedTime after 2050", notBefore: "2050-06-01T12:00:00Z", notAfter: "2050-06-15T12:00:00Z", types: ["GENERALIZEDTIME :20500601120000Z", "GENERALIZEDTIME :20500615120000Z"], dates: ["Jun  1 12:00:00 2050 GMT", "Jun 15 12:00:00 2050 GMT"] },
        ];

        for (const c of cases) {
            it(`has the client-authentication extensions and its validity: ${c.why}`, async () => {
                const issued = await issueCertificate({ commonName: "acme", notBefore: new Date(c.notBefore), notAfter: new Date(c.notAfter) });
                const [text, parsed] = await withPrivateDir(async (dir) => {
                    const file = await writePrivateFile(dir, "cert.pem", issued.certificatePem);
                    return Promise.all([openssl(["x509", "-in", file, "-noout", "-text"]), openssl(["asn1parse", "-in", file])]);
                });

                const extensions = text.match(/^ {12}X509v3 .*$/gm);
                assert.deepEqual(extensions, [
                    "            X509v3 Basic Constraints: critical",
                    "            X509v3 Key Usage: critical",
                    "            X509v3 Extended Key Usage: ",
                    "            X509v3 Subject Key Identifier: ",
                ]);
                assert.match(text, /X509v3 Basic Constraints: critical\n\s+CA:FALSE\n/);
                assert.match(text, /X509v3 Key Usage: critical\n\s+Digital Signature\n/);
                assert.match(text, /X509v3 Extended Key Usage: \n\s+TLS Web Client Authentication\n/);
                assert.match(text, /X509v3 Subject Key Identifier: \n\s+([0-9A-F]{2}:){19}[0-9A-F]{2}\n/);

                assert.match(text, new RegExp(`Not Before: ${c.dates[0]}\n\\s+Not After : ${c.dates[1]}\n`));
                const times = [...parsed.matchAll(/prim: (UTCTIME|GENERALIZEDTIME)\s+(:\d+Z)/g)].map((match) => `${match[1]} ${match[2]}`);
                assert.deepEqual(times, c.types);
            });
        }
    });
});
