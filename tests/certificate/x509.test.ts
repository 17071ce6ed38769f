import * as assert from "node:assert/strict";
import { KeyObject, X509Certificate, generateKeyPairSync, sign } from "node:crypto";
import { toPem } from "../../components/certificate/pem";
import { CertificateContents, signedCertificate, tbsCertificate } from "../../components/certificate/x509";
import { referenceCertificate } from "./support/forgeReference";

// The native X.509 encoder against the certificate node-forge built before the engine moved to
// Node's crypto: for the same key, serial, names and validity, the TBSCertificate, the signed
// certificate and its PEM must be the same octets. Certificates hold public data only, so a
// mismatch may print them.

describe("X.509 certificate encoder", () => {
    let privateKey: KeyObject;
    let publicKey: KeyObject;

    before(() => {
        ({ privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 0x10001 }));
    });

    // One case per line, read as a table.
    // prettier-ignore
    const cases: { why: string; serial: string; commonName: string; organization?: string; notBefore: string; notAfter: string }[] = [
        { why: "with an organization", serial: "4f1e2d3c4b5a69788796a5b4c3d2e1f0", commonName: "acme", organization: "Acme Backup Ltd", notBefore: "2026-03-01T00:00:00Z", notAfter: "2026-03-15T00:00:00Z" },
        { why: "CN only, with characters PrintableString lacks", serial: "7fffffffffffffffffffffffffffffff", commonName: "Zoë_backup@contoso.example", notBefore: "2026-03-01T12:34:56Z", notAfter: "2027-04-01T00:00:00Z" },
        { why: "UTCTime up to 2049, GeneralizedTime from 2050", serial: "40000000000000000000000000000001", commonName: "edge", organization: "Ünïcode GmbH", notBefore: "2049-12-31T23:59:59Z", notAfter: "2050-01-01T00:00:00Z" },
        { why: "the earliest and latest years validation allows", serial: "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a", commonName: "far", notBefore: "1950-01-01T00:00:00Z", notAfter: "1950-12-31T23:59:59Z" },
        { why: "GeneralizedTime near year 9999", serial: "6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b", commonName: "farther", notBefore: "9999-01-01T00:00:00Z", notAfter: "9999-12-31T23:59:59Z" },
    ];

    for (const c of cases) {
        it(`writes what node-forge wrote: ${c.why}`, () => {
            const contents: CertificateContents = {
                serialNumber: Buffer.from(c.serial, "hex"),
                commonName: c.commonName,
                ...(c.organization !== undefined ? { organization: c.organization } : {}),
                notBefore: new Date(c.notBefore),
                notAfter: new Date(c.notAfter),
                publicKey,
            };
            const reference = referenceCertificate({ ...contents, serialNumberHex: c.serial, privateKey });

            const tbs = tbsCertificate(contents);
            assert.equal(tbs.toString("hex"), reference.tbsDer.toString("hex"));
            const certificate = signedCertificate(tbs, sign("sha256", tbs, privateKey));
            assert.equal(certificate.toString("hex"), reference.certificateDer.toString("hex"));
            assert.equal(toPem("CERTIFICATE", certificate), reference.certificatePem);

            const x509 = new X509Certificate(certificate);
            assert.ok(x509.verify(publicKey), "the signature does not verify");
            assert.equal(x509.serialNumber, c.serial.toUpperCase());
            assert.equal(x509.subject, [...(c.organization !== undefined ? [`O=${c.organization}`] : []), `CN=${c.commonName}`].join("\n"));
            assert.equal(x509.issuer, x509.subject);
            assert.equal(new Date(x509.validFrom).toISOString(), new Date(c.notBefore).toISOString());
            assert.equal(new Date(x509.validTo).toISOString(), new Date(c.notAfter).toISOString());
        });
    }
});

describe("PEM encoder", () => {
    it("writes a private key exactly as Node's KeyObject.export does", () => {
        const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 0x10001 });
        const der = privateKey.export({ type: "pkcs8", format: "der" });
        // Compared as a boolean: the text is key material and must not reach test output.
        assert.ok(toPem("PRIVATE KEY", der) === privateKey.export({ type: "pkcs8", format: "pem" }), "PEM differs from Node's");
    });

    it("wraps at 64 characters and ends every line, the last one included, with \\n", () => {
        const pem = toPem("CERTIFICATE", Buffer.alloc(100, 0xab));
        const lines = pem.split("\n");
        assert.deepEqual(
            lines.map((line) => line.length),
            [27, 64, 64, 8, 25, 0],
        );
        assert.equal(lines[0], "-----BEGIN CERTIFICATE-----");
        assert.equal(lines[4], "-----END CERTIFICATE-----");
    });
});
