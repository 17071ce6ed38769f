import * as assert from "node:assert/strict";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { createSecureContext } from "node:tls";
import * as pulumi from "@pulumi/pulumi";
import type { CertificateOutputs } from "../../components/certificate/provider";
import { toRfc3339 } from "../../components/time";
import { RecordingMocks } from "../support/mocks";
import { valueOf } from "../support/outputs";
import { runInProviderHost } from "../support/providerHost";

// Under `pulumi up`, the Certificate's provider runs from the text it registered as `__provider`,
// in Pulumi's dynamic provider host, whose module resolution starts from the directory the host
// runs in: a consumer's project, where this package's own dependencies may be nested out of reach
// or missing. So the provider may require Node's built-in modules only. This test runs it the way
// the host does, from a fresh directory outside this repository with nothing to resolve there,
// and checks what it issues with Node's crypto. Key material stays in a private directory and is
// only ever compared as booleans.

const repositoryRoot = resolve(__dirname, "../..");

describe("the serialized certificate provider, run away from this repository", () => {
    const mocks = new RecordingMocks({ dynamic: "none" });
    const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000 - 60 * 60 * 1000);
    const notAfter = new Date(notBefore.getTime() + 14 * 24 * 60 * 60 * 1000);
    let serialized: string;
    let inputs: Record<string, unknown>;

    before(async () => {
        await pulumi.runtime.setMocks(mocks, "vendor-connections", "test");
        const { Certificate, CERTIFICATE_RESOURCE_TYPE } = await import("../../components/certificate");
        const certificate = new Certificate("portable", {
            commonName: "acme_backup@contoso.example",
            organization: "Acme Backup Ltd",
            notBefore: toRfc3339(notBefore),
            notAfter: toRfc3339(notAfter),
            identity: "acme/slot-a/window-1",
        });
        await valueOf(certificate.urn);
        const { __provider, ...rest } = mocks.one(CERTIFICATE_RESOURCE_TYPE, "portable").inputs;
        serialized = __provider as string;
        inputs = rest;
    });

    it("does not mention node-forge", () => {
        assert.equal(typeof serialized, "string");
        assert.ok(!serialized.includes("node-forge"), "the serialized provider mentions node-forge");
    });

    it("issues a working certificate from a directory where only Node's built-in modules resolve", async () => {
        const dir = await realpath(await mkdtemp(join(tmpdir(), "vendor-connections-host-")));
        try {
            const fromRepository = relative(repositoryRoot, dir);
            assert.ok(fromRepository.startsWith("..") || isAbsolute(fromRepository), `${dir} is inside the repository`);

            await writeFile(join(dir, "inputs.json"), JSON.stringify(inputs));
            // Creates one certificate and writes the provider's result to a file only its owner can read.
            await runInProviderHost(
                dir,
                serialized,
                "node-forge",
                `    const created = await provider.create(JSON.parse(fs.readFileSync("inputs.json", "utf8")));
    fs.writeFileSync("created.json", JSON.stringify(created), { mode: 0o600, flag: "wx" });`,
            );

            const { id, outs } = JSON.parse(await readFile(join(dir, "created.json"), "utf8")) as { id: string; outs: CertificateOutputs };
            const x509 = new X509Certificate(outs.certificatePem);
            assert.equal(id, outs.thumbprintSha1);
            assert.equal(outs.thumbprintSha1, x509.fingerprint.replace(/:/g, ""));
            assert.equal(x509.subject, "O=Acme Backup Ltd\nCN=acme_backup@contoso.example");
            assert.equal(x509.issuer, x509.subject);
            assert.ok(x509.verify(x509.publicKey), "the self-signature does not verify");
            assert.equal(new Date(x509.validFrom).getTime(), notBefore.getTime());
            assert.equal(new Date(x509.validTo).getTime(), notAfter.getTime());
            assert.ok(x509.checkPrivateKey(createPrivateKey(outs.privateKeyPem)), "the private key does not match the certificate");
            assert.doesNotThrow(() => createSecureContext({ pfx: Buffer.from(outs.pfxBase64, "base64") }), "TLS cannot load the PKCS#12");
        } finally {
            await rm(dir, { recursive: true, force: true });
        }
    });
});
