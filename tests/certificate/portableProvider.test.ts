import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { copyFile, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { createSecureContext } from "node:tls";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import type { CertificateOutputs } from "../../components/certificate/provider";
import { toRfc3339 } from "../../components/time";
import { RecordingMocks } from "../support/mocks";
import { valueOf } from "../support/outputs";

// Under `pulumi up`, the Certificate's provider runs from the text it registered as `__provider`,
// in Pulumi's dynamic provider host, whose module resolution starts from the directory the host
// runs in: a consumer's project, where this package's own dependencies may be nested out of reach
// or missing. So the provider may require Node's built-in modules only. This test runs it the way
// the host does, from a fresh directory outside this repository with nothing to resolve there,
// and checks what it issues with Node's crypto. Key material stays in a private directory and is
// only ever compared as booleans.

const run = promisify(execFile);
const repositoryRoot = resolve(__dirname, "../..");

/**
 * The host's loading, reproduced: `requireFromString(text).handler()` with no file name, which
 * roots module resolution in the working directory (@pulumi/pulumi/cmd/dynamic-provider). The
 * child first proves that node-forge cannot be resolved there, then creates one certificate and
 * writes the provider's result to a file only its owner can read. It prints error messages only.
 */
const HOST_SCRIPT = `"use strict";
const { createRequire } = require("node:module");
const fs = require("node:fs");
const path = require("node:path");
const requireFromString = require("./require-from-string.js");

(async () => {
    try {
        createRequire(path.join(process.cwd(), "host.js")).resolve("node-forge");
        throw new Error("the premise fails: node-forge can be resolved from " + process.cwd());
    } catch (err) {
        if (err.code !== "MODULE_NOT_FOUND") throw err;
    }
    const provider = requireFromString(fs.readFileSync("provider.js", "utf8")).handler();
    const inputs = JSON.parse(fs.readFileSync("inputs.json", "utf8"));
    const created = await provider.create(inputs);
    fs.writeFileSync("created.json", JSON.stringify(created), { mode: 0o600, flag: "wx" });
})().catch((err) => {
    console.error(err && err.message ? err.message : String(err));
    process.exitCode = 1;
});
`;

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

            const requireFromStringPath = require.resolve("require-from-string", {
                paths: [require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js")],
            });
            await copyFile(requireFromStringPath, join(dir, "require-from-string.js"));
            await writeFile(join(dir, "host.js"), HOST_SCRIPT);
            await writeFile(join(dir, "provider.js"), serialized);
            await writeFile(join(dir, "inputs.json"), JSON.stringify(inputs));

            // HOME is the directory too, so that no global folder ($HOME/.node_modules) is searched.
            await run(process.execPath, ["host.js"], { cwd: dir, env: { HOME: dir, NODE_PATH: "" }, timeout: 60_000 }).catch((err) => {
                throw new Error(`the provider failed in ${dir}: ${String(err.stderr).trim() || err.message}`);
            });

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
