import * as assert from "node:assert/strict";
import { X509Certificate, createHash, createPrivateKey, createPublicKey } from "node:crypto";
import { createSecureContext } from "node:tls";
import { IssuedCertificate, issueCertificate } from "../../components/certificate";
import { toRfc3339 } from "../../components/time";
import { AssertionAlgorithm, signClientAssertion, verifyClientAssertion } from "./support/clientAssertion";
import { openssl, withPrivateDir, writePrivateFile } from "./support/openssl";

// Every artifact is checked by a client other than node-forge (openssl, Node's X509Certificate and
// TLS, a JWT client assertion verified as Entra does). Key material is only ever compared as
// booleans or hashes, so a failure cannot print it.

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

describe("issueCertificate", () => {
    // Valid now, so that TLS and the client assertion checks see a current certificate; the odd
    // milliseconds prove that validity is truncated to whole seconds.
    const notBefore = new Date(Date.now() - HOUR + 123);
    const notAfter = new Date(notBefore.getTime() + 14 * DAY);
    const issued: IssuedCertificate[] = [];
    let cert: IssuedCertificate;
    let x509: X509Certificate;

    before(async () => {
        cert = await issueCertificate({ commonName: "acme_backup@contoso.example", organization: "Acme Backup Ltd", notBefore, notAfter });
        issued.push(cert);
        x509 = new X509Certificate(cert.certificatePem);
    });

    describe("the certificate, read by openssl", () => {
        let text: string;
        before(async () => {
            text = await withPrivateDir(async (dir) => openssl(["x509", "-in", await writePrivateFile(dir, "cert.pem", cert.certificatePem), "-noout", "-text"]));
        });

        it("is X.509 v3, signed with SHA-256 RSA, with a 2048-bit key by default", () => {
            assert.match(text, /Version: 3 \(0x2\)/);
            assert.equal(text.match(/Signature Algorithm: sha256WithRSAEncryption/g)?.length, 2);
            assert.match(text, /Public Key Algorithm: rsaEncryption/);
            assert.match(text, /Public-Key: \(2048 bit\)/);
        });

        it("is an end-entity client-authentication certificate", () => {
            assert.match(text, /X509v3 Basic Constraints: critical\n\s+CA:FALSE\n/);
            assert.match(text, /X509v3 Key Usage: critical\n\s+Digital Signature\n/);
            assert.match(text, /X509v3 Extended Key Usage: \n\s+TLS Web Client Authentication\n/);
        });

        it("is self-signed for the requested subject", () => {
            assert.match(text, /Subject: O = Acme Backup Ltd, CN = acme_backup@contoso.example\n/);
            assert.match(text, /Issuer: O = Acme Backup Ltd, CN = acme_backup@contoso.example\n/);
        });

        it("identifies its key as RFC 5280 method 1 does (SHA-1 of the RSAPublicKey)", () => {
            const rsaPublicKey = x509.publicKey.export({ type: "pkcs1", format: "der" });
            const expected = createHash("sha1").update(rsaPublicKey).digest("hex").toUpperCase().match(/../g)?.join(":");
            assert.match(text, new RegExp(`X509v3 Subject Key Identifier: \\n\\s+${expected}\\n`));
        });

        it("verifies its own signature and is accepted for client authentication while valid", async () => {
            const during = String(Math.floor(Date.now() / 1000));
            const after = String(Math.floor(notAfter.getTime() / 1000) + 60);
            await withPrivateDir(async (dir) => {
                const file = await writePrivateFile(dir, "cert.pem", cert.certificatePem);
                const verifyAt = (epoch: string) => openssl(["verify", "-check_ss_sig", "-partial_chain", "-purpose", "sslclient", "-attime", epoch, "-CAfile", file, file]);
                assert.match(await verifyAt(during), /: OK\n/);
                await assert.rejects(verifyAt(after), /certificate has expired/);
            });
        });

        it("states a validity equal to notBefore/notAfter, at whole seconds", async () => {
            const dates = await withPrivateDir(async (dir) =>
                openssl(["x509", "-in", await writePrivateFile(dir, "cert.pem", cert.certificatePem), "-noout", "-dates", "-dateopt", "iso_8601"]),
            );
            const [, start, end] = /notBefore=(.+)\nnotAfter=(.+)\n/.exec(dates) ?? [];
            assert.equal(cert.notBefore, toRfc3339(notBefore));
            assert.equal(cert.notAfter, toRfc3339(notAfter));
            assert.equal(toRfc3339(new Date(start.replace(" ", "T"))), cert.notBefore);
            assert.equal(toRfc3339(new Date(end.replace(" ", "T"))), cert.notAfter);
            assert.match(cert.notBefore, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        });

        it("carries a random positive serial of at least 64 bits, as reported", async () => {
            const serial = await withPrivateDir(async (dir) => openssl(["x509", "-in", await writePrivateFile(dir, "cert.pem", cert.certificatePem), "-noout", "-serial"]));
            assert.equal(serial.trim(), `serial=${cert.serialNumber}`);
            assert.equal(x509.serialNumber, cert.serialNumber);
            assert.ok(cert.serialNumber.length * 4 >= 64, "serial shorter than 64 bits");
            assert.ok(parseInt(cert.serialNumber[0], 16) < 8, "serial is not positive");
            assert.notEqual(cert.serialNumber.slice(0, 2), "00", "serial is not minimally encoded");
        });
    });

    describe("the certificate, read by Node", () => {
        it("has the thumbprints Entra and JWT headers use", () => {
            assert.equal(cert.thumbprintSha1, x509.fingerprint.replace(/:/g, ""));
            assert.equal(cert.thumbprintSha256, Buffer.from(x509.fingerprint256.replace(/:/g, ""), "hex").toString("base64url"));
            assert.match(cert.thumbprintSha1, /^[0-9A-F]{40}$/);
            assert.match(cert.thumbprintSha256, /^[A-Za-z0-9_-]{43}$/);
        });

        it("verifies its signature with its own key, and the private key is PKCS#8 for that key", () => {
            assert.ok(x509.verify(x509.publicKey), "self-signature does not verify");
            assert.ok(cert.privateKeyPem.startsWith("-----BEGIN PRIVATE KEY-----\n"), "private key is not PKCS#8 PEM");
            const privateKey = createPrivateKey(cert.privateKeyPem);
            assert.ok(x509.checkPrivateKey(privateKey), "private key does not match the certificate");
            const fromPrivate = createPublicKey(privateKey).export({ type: "spki", format: "der" });
            assert.ok(fromPrivate.equals(x509.publicKey.export({ type: "spki", format: "der" })), "public keys differ");
        });

        it("has a PKCS#12 that TLS loads without a passphrase", () => {
            assert.doesNotThrow(() => createSecureContext({ pfx: Buffer.from(cert.pfxBase64, "base64") }));
        });
    });

    describe("the PKCS#12, read by openssl 3 without legacy providers", () => {
        it("opens with the empty passphrase: 3DES key bag, SHA-1 MAC, plain certificate bag", async () => {
            const info = await withPrivateDir(async (dir) => {
                const pfx = await writePrivateFile(dir, "cert.pfx", Buffer.from(cert.pfxBase64, "base64"));
                // -nokeys: the key is decrypted to check the bags, but never written to stdout.
                return openssl(["pkcs12", "-provider", "default", "-in", pfx, "-passin", "pass:", "-info", "-nokeys", "-noout"], "stderr");
            });
            assert.match(info, /MAC: sha1, Iteration 2048/);
            assert.match(info, /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048/);
            assert.match(info, /PKCS7 Data\nCertificate bag/);
            assert.doesNotMatch(info, /PKCS7 Encrypted data/);
        });

        it("holds this certificate and its private key", async () => {
            const [certFromPfx, publicFromPfxKey] = await withPrivateDir(async (dir) => {
                const pfx = await writePrivateFile(dir, "cert.pfx", Buffer.from(cert.pfxBase64, "base64"));
                const keyFile = `${dir}/key.pem`;
                await openssl(["pkcs12", "-provider", "default", "-in", pfx, "-passin", "pass:", "-nocerts", "-nodes", "-out", keyFile]);
                return Promise.all([
                    openssl(["pkcs12", "-provider", "default", "-in", pfx, "-passin", "pass:", "-nokeys", "-clcerts"]),
                    openssl(["pkey", "-in", keyFile, "-pubout"]),
                ]);
            });
            assert.ok(new X509Certificate(certFromPfx).raw.equals(x509.raw), "the PKCS#12 holds another certificate");
            const expected = x509.publicKey.export({ type: "spki", format: "pem" }).toString();
            assert.ok(publicFromPfxKey === expected, "the PKCS#12's key is not the certificate's key");
        });
    });

    describe("a JWT client assertion signed with the private key", () => {
        const tenantId = "00000000-0000-0000-0000-00000000c0de";
        const clientId = "11111111-1111-1111-1111-111111111111";
        const cases: { algorithm: AssertionAlgorithm; header: (c: IssuedCertificate) => { x5t: string } | { "x5t#S256": string } }[] = [
            { algorithm: "RS256", header: (c) => ({ x5t: Buffer.from(c.thumbprintSha1, "hex").toString("base64url") }) },
            { algorithm: "PS256", header: (c) => ({ "x5t#S256": c.thumbprintSha256 }) },
        ];

        for (const { algorithm, header } of cases) {
            it(`${algorithm} verifies against the certificate, as Entra verifies it`, () => {
                const now = new Date();
                const jwt = signClientAssertion({ algorithm, privateKeyPem: cert.privateKeyPem, thumbprint: header(cert), clientId, tenantId, now });
                assert.deepEqual(verifyClientAssertion(jwt, [x509], { clientId, tenantId, now }), { ok: true });
            });

            it(`${algorithm} is refused when tampered with or when the certificate has expired`, () => {
                const now = new Date();
                const jwt = signClientAssertion({ algorithm, privateKeyPem: cert.privateKeyPem, thumbprint: header(cert), clientId, tenantId, now });
                const [h, p, s] = jwt.split(".");
                const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), sub: "intruder" })).toString("base64url");
                assert.equal(verifyClientAssertion(`${h}.${forged}.${s}`, [x509], { clientId, tenantId, now }).ok, false);
                const later = new Date(notAfter.getTime() + DAY);
                assert.equal(verifyClientAssertion(jwt, [x509], { clientId, tenantId, now: later }).ok, false);
            });
        }

        it("signed by another connection's key is refused even with this certificate's thumbprint", async () => {
            const other = await issueCertificate({ commonName: "other-vendor", notBefore, notAfter });
            issued.push(other);
            const now = new Date();
            const jwt = signClientAssertion({
                algorithm: "RS256",
                privateKeyPem: other.privateKeyPem,
                thumbprint: { x5t: Buffer.from(cert.thumbprintSha1, "hex").toString("base64url") },
                clientId,
                tenantId,
                now,
            });
            assert.deepEqual(verifyClientAssertion(jwt, [x509], { clientId, tenantId, now }), {
                ok: false,
                reason: "the signature does not verify with the certificate's public key",
            });
        });
    });

    describe("larger keys", () => {
        for (const keySize of [3072, 4096]) {
            it(`issues a ${keySize}-bit key when asked`, async () => {
                const big = await issueCertificate({ commonName: `bits-${keySize}`, keySize, notBefore, notAfter });
                issued.push(big);
                const text = await withPrivateDir(async (dir) => openssl(["x509", "-in", await writePrivateFile(dir, "cert.pem", big.certificatePem), "-noout", "-text"]));
                assert.match(text, new RegExp(`Public-Key: \\(${keySize} bit\\)`));
                assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
                assert.equal(new X509Certificate(big.certificatePem).publicKey.asymmetricKeyDetails?.modulusLength, keySize);
            });
        }
    });

    describe("uniqueness: each certificate has a key pair and a serial of its own", () => {
        it("never gives two certificates the same key or serial", () => {
            assert.ok(issued.length >= 4, `only ${issued.length} certificates were issued`);
            const moduli = issued.map((c) =>
                createHash("sha256")
                    .update(new X509Certificate(c.certificatePem).publicKey.export({ format: "der", type: "spki" }))
                    .digest("hex"),
            );
            const privateKeys = issued.map((c) => createHash("sha256").update(c.privateKeyPem).digest("hex"));
            assert.equal(new Set(moduli).size, issued.length, "two certificates share a public key");
            assert.equal(new Set(privateKeys).size, issued.length, "two certificates share a private key");
            assert.equal(new Set(issued.map((c) => c.serialNumber)).size, issued.length, "two certificates share a serial");
        });
    });
});
