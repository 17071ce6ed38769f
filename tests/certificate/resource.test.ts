import * as assert from "node:assert/strict";
import { X509Certificate, createPrivateKey } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type * as certificateModule from "../../components/certificate";
import { ValidationError } from "../../components/errors";
import { loadSerializedProvider } from "../support/dynamicProvider";
import { valueOf } from "./support/outputs";

// The Certificate dynamic resource under the Pulumi mock engine: what it registers, which outputs
// it asks the engine to keep secret, and its serialized provider, loaded as `pulumi up`'s dynamic
// provider host loads it, issuing a real certificate.

interface Registration {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    additionalSecretOutputs: string[];
    protect: boolean;
}

interface RegisterResourceRequest {
    getName(): string;
    getAdditionalsecretoutputsList(): string[];
    getProtect(): boolean;
}

describe("Certificate resource", () => {
    const registrations = new Map<string, Registration>();
    let certificate: typeof certificateModule;

    const args = {
        commonName: "acme",
        notBefore: "2026-03-01T00:00:00Z",
        notAfter: "2026-03-15T00:00:00Z",
        identity: "acme/slot-a/window-42",
    };

    before(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource: (resource) => {
                    const seen = registrations.get(resource.name);
                    registrations.set(resource.name, { ...(seen as Registration), type: resource.type, name: resource.name, inputs: resource.inputs });
                    return { id: `${resource.name}-id`, state: resource.inputs };
                },
                call: (call) => {
                    throw new Error(`unexpected call ${call.token}`);
                },
            },
            "vendor-connections",
            "test",
        );
        // What reaches the engine after the SDK has merged options: the mock API does not expose
        // additionalSecretOutputs, and mocks do not apply them, so read them off the request.
        const monitor = pulumi.runtime.getMonitor() as unknown as {
            registerResource(req: RegisterResourceRequest, callback: unknown): unknown;
        };
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, callback) => {
            const seen = registrations.get(req.getName());
            registrations.set(req.getName(), {
                ...(seen as Registration),
                additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                protect: req.getProtect(),
            });
            return register(req, callback);
        };
        certificate = await import("../../components/certificate");
    });

    async function declare(name: string, extra: Partial<certificateModule.CertificateArgs> = {}, opts?: pulumi.CustomResourceOptions) {
        const cert = new certificate.Certificate(name, { ...args, ...extra }, opts);
        await valueOf(cert.urn);
        const registration = registrations.get(name);
        assert.ok(registration, `${name} was not registered`);
        return { cert, registration };
    }

    it("registers under its permanent type token with exactly its inputs", async () => {
        const { registration } = await declare("plain");
        assert.equal(certificate.CERTIFICATE_RESOURCE_TYPE, "pulumi-nodejs:dynamic/vendor-connections:Certificate");
        assert.equal(registration.type, certificate.CERTIFICATE_RESOURCE_TYPE);
        const { __provider, ...inputs } = registration.inputs;
        assert.equal(typeof __provider, "string");
        assert.deepEqual(inputs, args);
    });

    it("passes organization and keySize through when given", async () => {
        const { registration } = await declare("sized", { organization: "Acme Backup Ltd", keySize: 4096 });
        const { __provider, ...inputs } = registration.inputs;
        assert.deepEqual(inputs, { ...args, organization: "Acme Backup Ltd", keySize: 4096 });
    });

    it("exposes its state as outputs (class fields do not shadow them)", async () => {
        const { cert } = await declare("outputs");
        assert.equal(await valueOf(cert.notBefore), args.notBefore);
        assert.equal(await valueOf(cert.notAfter), args.notAfter);
        assert.equal(await valueOf(cert.identity), args.identity);
        assert.equal(await valueOf(cert.commonName), args.commonName);
    });

    it("asks the engine to keep the private key and the PKCS#12 secret, keeping the caller's options", async () => {
        const { registration } = await declare("secret", {}, { additionalSecretOutputs: ["serialNumber"], protect: true });
        assert.deepEqual([...registration.additionalSecretOutputs].sort(), ["pfxBase64", "privateKeyPem", "serialNumber"]);
        assert.equal(registration.protect, true);
        const { registration: bare } = await declare("secret-bare");
        assert.deepEqual([...bare.additionalSecretOutputs].sort(), ["pfxBase64", "privateKeyPem"]);
    });

    it("rejects bad literal arguments where they are written, naming the resource and argument", () => {
        assert.throws(
            () => new certificate.Certificate("bad", { ...args, keySize: 1024, notAfter: "2026-03-15" }),
            (err: unknown) =>
                err instanceof ValidationError &&
                err.message ===
                    "bad.keySize: 1024 is not allowed; use 2048, 3072 or 4096.\n" +
                        'bad.notAfter: must be an RFC 3339 instant in UTC at whole seconds, like 2026-01-01T00:00:00Z; got "2026-03-15".',
        );
        assert.equal(registrations.has("bad"), false);
    });

    it("leaves arguments that are Outputs to the provider's check", async () => {
        const { registration } = await declare("computed", { identity: pulumi.output("acme/slot-b/window-7") });
        assert.equal(registration.inputs.identity, "acme/slot-b/window-7");
    });

    describe("its serialized provider, loaded as the dynamic provider host loads it", () => {
        let provider: pulumi.dynamic.ResourceProvider;
        let registered: Record<string, unknown>;

        before(async () => {
            const { registration } = await declare("serialized", { organization: "Acme Backup Ltd" });
            registered = registration.inputs;
            provider = loadSerializedProvider(registered.__provider as string);
        });

        it("checks inputs", async () => {
            assert.deepEqual((await provider.check!({}, registered)).failures, []);
            assert.deepEqual((await provider.check!({}, { ...registered, keySize: 1024 })).failures, [
                { property: "keySize", reason: "1024 is not allowed; use 2048, 3072 or 4096." },
            ]);
        });

        it("creates a real certificate, keeps the inputs and the real issue time in state, and then sees no change", async () => {
            const before = new Date(Math.floor(Date.now() / 1000) * 1000);
            const { id, outs } = await provider.create(registered);
            const after = new Date();

            const x509 = new X509Certificate(outs.certificatePem);
            assert.equal(id, outs.thumbprintSha1);
            assert.equal(outs.thumbprintSha1, x509.fingerprint.replace(/:/g, ""));
            assert.equal(x509.subject, "O=Acme Backup Ltd\nCN=acme");
            assert.equal(x509.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
            assert.ok(x509.checkPrivateKey(createPrivateKey(outs.privateKeyPem)), "key does not match");
            assert.ok(typeof outs.pfxBase64 === "string" && outs.pfxBase64.length > 0, "no PKCS#12");
            assert.equal(new Date(x509.validFrom).toISOString(), "2026-03-01T00:00:00.000Z");
            assert.equal(new Date(x509.validTo).toISOString(), "2026-03-15T00:00:00.000Z");

            const { __provider, ...inputs } = registered;
            for (const [key, value] of Object.entries(inputs)) {
                assert.equal(outs[key], value, key);
            }
            assert.equal(outs.keySize, 2048);
            assert.match(outs.issuedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
            const issuedAt = new Date(outs.issuedAt);
            assert.ok(issuedAt >= before && issuedAt <= after, `issuedAt ${outs.issuedAt} is not the time of creation`);

            // The next deploy: same inputs, so no new certificate; a new window, so a new one.
            assert.deepEqual(await provider.diff!(id, { ...outs, __provider }, registered), { changes: false, replaces: [], deleteBeforeReplace: false });
            assert.deepEqual(await provider.diff!(id, { ...outs, __provider }, { ...registered, identity: "acme/slot-a/window-43" }), {
                changes: true,
                replaces: ["identity"],
                deleteBeforeReplace: false,
            });
        });
    });
});
