import * as assert from "node:assert/strict";
import { X509Certificate, createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { UNKNOWN } from "../../components/certificate/inputs";
import type { RoleAssignmentWait } from "../../components/keyVault/roleAssignmentWait";
import type { VaultKeyActivationInputs, VaultKeyCertificateInputs, VaultKeyCertificateOutputs } from "../../components/vaultKey/model";
import type * as VaultKeyResources from "../../components/vaultKey/resource";
import { loadSerializedProvider } from "../support/dynamicProvider";
import { PRIVATE_KEY_MATERIAL } from "../support/secrets";
import { nonBuiltinRequires, providerRegisteredFromPackage } from "../support/installedProvider";
import { KeyVaultStandIn, firewallFault, rbacFault } from "../support/keyVaultStandIn";
import { runInProviderHost } from "../support/providerHost";
import { RuntimeProject, runtimeProject } from "../support/runtimeProject";
import { hostVaultKeysIn } from "../support/vaultKeyRuntime";
import { acmeCertificate } from "./support";

// The vault-key slot's two providers as Pulumi runs them: serialized from the package as a
// consumer installs it, loaded from that text, with the working directory in the consumer's project
// (outside this repository) where the package's compiled runtime is installed, talking over HTTPS
// to the stand-in Key Vault (real RSA keys, challenge authentication, a vault's host name). A
// preview is check and diff alone; a deploy then creates, and a later one deletes.

/** Azure RBAC's refusals are asked again for at most this long: milliseconds here, ten minutes in a deploy. */
const WAIT: RoleAssignmentWait = { maxWaitMs: 300, firstDelayMs: 10, maxDelayMs: 80 };
/** A first deploy's check: no earlier inputs. */
const FIRST_DEPLOY = {} as never;
const RUNTIME_MISSING =
    /The vault-key credential cannot load vendor-connections\/vault-key-provider-runtime from .*, the directory Pulumi runs this stack's providers in \(.*\)\. Install vendor-connections in that project \(in the vendor-connections repository itself, run "npm run build" first\)\./;

/** No private key in any form: PEM, or the private members of an RSA JWK. */
function assertNoKeyMaterial(text: string): void {
    assert.doesNotMatch(text, PRIVATE_KEY_MATERIAL);
}

describe("the serialized vault-key providers, in a consumer's project, against the stand-in Key Vault", function () {
    let project: RuntimeProject;
    let serialized: { certificate: string; activation: string };
    let certificates: pulumi.dynamic.ResourceProvider<VaultKeyCertificateInputs, VaultKeyCertificateOutputs>;
    let activations: pulumi.dynamic.ResourceProvider<VaultKeyActivationInputs, VaultKeyActivationInputs>;
    let vault: KeyVaultStandIn;
    let agent: Agent;
    let restore: () => void;

    before(async () => {
        project = await runtimeProject();
        const registered = (declare: (installed: typeof VaultKeyResources) => pulumi.CustomResource) =>
            providerRegisteredFromPackage<typeof VaultKeyResources>(project, "vaultKey/resource", declare);
        const vaultUri = "https://kv-test.vault.azure.net/";
        serialized = {
            certificate: await registered(({ VaultKeyCertificate }) => new VaultKeyCertificate("acme-slot", acmeCertificate(vaultUri, "w1"))),
            activation: await registered(
                ({ VaultKeyActivation }) => new VaultKeyActivation("acme-slot", { vaultUri, keyName: "acme", keyVersion: "0123456789abcdef0123456789abcdef" }),
            ),
        };
        certificates = loadSerializedProvider(serialized.certificate) as typeof certificates;
        activations = loadSerializedProvider(serialized.activation) as typeof activations;
    });

    after(async () => {
        await project?.remove();
    });

    beforeEach(async () => {
        vault = await KeyVaultStandIn.start();
        agent = vault.agent();
        restore = hostVaultKeysIn(project, vault, agent, WAIT);
    });

    afterEach(async () => {
        restore();
        agent.destroy();
        await vault.close();
    });

    const slot = (identity = "w1") => acmeCertificate(vault.vaultUri(), identity);
    const failuresOf = async (provider: pulumi.dynamic.ResourceProvider, news: Record<string, unknown>) => (await provider.check!(FIRST_DEPLOY, news)).failures ?? [];

    it("carries no module but Node's built-ins, serialized from the package as a consumer installs it, and names the runtime", () => {
        for (const text of [serialized.certificate, serialized.activation]) {
            assert.deepEqual(nonBuiltinRequires(text), []);
            assert.ok(text.includes("vendor-connections/vault-key-provider-runtime"));
        }
    });

    it("check names each wrong input and what is allowed, lets a preview's unknowns through, and asks Key Vault nothing", async () => {
        const wrong = await failuresOf(certificates, {
            ...slot(),
            vaultUri: "http://kv-test.vault.azure.net/",
            keyName: "acme_1",
            keySize: 1024,
            hardwareProtected: "yes",
            identity: "",
        });
        assert.deepEqual(
            wrong.map((f) => f.property),
            ["vaultUri", "keyName", "keySize", "hardwareProtected", "identity"],
        );
        const [vaultUri, keyName, keySize, hardwareProtected, identity] = wrong.map((f) => f.reason);
        assert.match(vaultUri, /^"http:\/\/kv-test\.vault\.azure\.net\/" is not an https URL; .* Use e\.g\. https:\/\/kv-vendors\.vault\.azure\.net\/\.$/);
        assert.match(keyName, /^"acme_1" is not a Key Vault key name; use 1-127 letters, digits and hyphens\.$/);
        assert.match(keySize, /use 2048, 3072 or 4096/);
        assert.match(hardwareProtected, /^must be true \(an RSA-HSM key, in a Premium vault\) or false \(an RSA key\); got "yes"\.$/);
        assert.match(identity, /non-empty/);

        const backwards = await failuresOf(certificates, { ...slot(), notBefore: "2026-12-01T00:00:00Z", notAfter: "2026-11-01T00:00:00Z" });
        assert.deepEqual(
            backwards.map((f) => [f.property, f.reason]),
            [["notAfter", "2026-11-01T00:00:00Z is not after notBefore (2026-12-01T00:00:00Z); it must be later."]],
        );
        const { keySize: _omitted, ...withoutKeySize } = slot();
        assert.deepEqual(await failuresOf(certificates, { ...withoutKeySize, vaultUri: `${vault.vaultUri()}keys/acme?sig=secret` }), [
            {
                property: "vaultUri",
                reason: `has a path, a query or a fragment after "${vault.vaultUri().slice(0, -1)}"; give the vault's URI alone, as VendorVault's vaultUri output has it, e.g. https://kv-vendors.vault.azure.net/.`,
            },
            { property: "keySize", reason: "is required; use 2048, 3072 or 4096." },
        ]);

        const valid = slot();
        assert.deepEqual(await certificates.check!(FIRST_DEPLOY, valid), { inputs: valid, failures: [] });
        // A first deploy's preview: the vault's URI and the version are not known yet.
        assert.deepEqual(await failuresOf(certificates, { ...valid, vaultUri: UNKNOWN }), []);
        assert.deepEqual(await failuresOf(activations, { vaultUri: UNKNOWN, keyName: "acme", keyVersion: UNKNOWN }), []);
        assert.deepEqual(await failuresOf(activations, { vaultUri: vault.vaultUri(), keyName: "acme", keyVersion: "../../secrets/x" }), [
            { property: "keyVersion", reason: 'must be a key version as Key Vault names it (letters and digits, 32 hexadecimal digits today); got "../../secrets/x".' },
        ]);
        assert.deepEqual(vault.requests, []);
    });

    it("diff replaces on every changed input and on nothing else, and leaves deleteBeforeReplace to the resource", async () => {
        const inputs = slot();
        const state: VaultKeyCertificateOutputs & { __provider: string } = {
            ...inputs,
            keyId: `${vault.vaultUri()}keys/acme/0123456789abcdef0123456789abcdef`,
            keyVersion: "0123456789abcdef0123456789abcdef",
            certificatePem: "-----BEGIN CERTIFICATE-----",
            thumbprintSha1: "AB",
            thumbprintSha256: "cd",
            serialNumber: "01",
            __provider: "an older version of the provider",
        };
        assert.deepEqual(await certificates.diff!(state.keyId, state, { ...inputs, __provider: "this version" } as VaultKeyCertificateInputs), { changes: false, replaces: [] });
        const changes: [keyof VaultKeyCertificateInputs, unknown][] = [
            ["vaultUri", vault.vaultUri("kv-other")],
            ["keyName", "acme-2"],
            ["keySize", 3072],
            ["hardwareProtected", true],
            ["commonName", "acme-2"],
            ["organization", "Acme"],
            ["notBefore", "2026-01-01T00:00:00Z"],
            ["notAfter", "2099-01-01T00:00:00Z"],
            ["identity", "w2"],
        ];
        for (const [name, value] of changes) {
            assert.deepEqual(await certificates.diff!(state.keyId, state, { ...inputs, [name]: value }), { changes: true, replaces: [name] }, name);
        }
        const activation = { vaultUri: inputs.vaultUri, keyName: "acme", keyVersion: state.keyVersion };
        assert.deepEqual(await activations.diff!("a", activation, { ...activation }), { changes: false, replaces: [] });
        // The slot's certificate is replaced: its version is unknown until the update makes it.
        assert.deepEqual(await activations.diff!("a", activation, { ...activation, keyVersion: UNKNOWN }), { changes: true, replaces: ["keyVersion"] });
        assert.deepEqual(vault.requests, []);
    });

    it("a slot's life: a disabled new version whose certificate the vault's key signed, enabled by the activation, disabled by either delete, never deleted", async () => {
        const inputs = slot();
        const { inputs: checked } = await certificates.check!(FIRST_DEPLOY, inputs);
        const created = await certificates.create(checked!);
        const outs = created.outs!;
        assertNoKeyMaterial(JSON.stringify(created));
        assert.equal(created.id, outs.keyId);
        assert.equal(outs.keyId, `${vault.vaultUri().slice(0, -1)}/keys/acme/${outs.keyVersion}`);
        assert.deepEqual(Object.keys(outs).sort(), [...Object.keys(inputs), "certificatePem", "keyId", "keyVersion", "serialNumber", "thumbprintSha1", "thumbprintSha256"].sort());

        const stored = vault.key("acme", outs.keyVersion)!;
        assert.equal(stored.enabled, false, "issued disabled: no vendor signs with a key Entra does not know yet");
        assert.equal(stored.tags["x5t-S256"], outs.thumbprintSha256);
        assert.equal(stored.tags["certificate-identity"], "w1");
        const x509 = new X509Certificate(outs.certificatePem);
        assert.ok(x509.verify(stored.publicKey), "self-signed by the vault's key");
        assert.ok(x509.publicKey.equals(stored.publicKey));
        assert.equal(createHash("sha256").update(x509.raw).digest("base64url"), outs.thumbprintSha256);
        assert.deepEqual([outs.notBefore, outs.notAfter], [inputs.notBefore, inputs.notAfter]);

        const activation = { vaultUri: inputs.vaultUri, keyName: "acme", keyVersion: outs.keyVersion };
        assert.deepEqual(await failuresOf(activations, activation), []);
        const enabled = await activations.create(activation);
        assert.deepEqual(enabled, { id: `${outs.keyId}#enabled`, outs: activation });
        assert.equal(stored.enabled, true);
        await activations.delete!(enabled.id, enabled.outs!);
        assert.equal(stored.enabled, false);

        await activations.create(activation);
        await certificates.delete!(created.id, outs);
        assert.equal(stored.enabled, false, "a retired certificate's version signs nothing more");
        assert.deepEqual(await certificates.read!(created.id, outs), { id: created.id, props: outs });
        // The versions are the record of what was issued: nothing is ever deleted.
        assert.equal(vault.keys.get("acme")?.length, 1);
        assert.ok(vault.requests.every((r) => r.method !== "DELETE"));
    });

    it("deleting a version the vault no longer has succeeds, for either resource", async () => {
        const gone = { vaultUri: vault.vaultUri(), keyName: "acme", keyVersion: "0123456789abcdef0123456789abcdef" };
        const state = {
            ...slot(),
            ...gone,
            keyId: `${vault.vaultUri()}keys/acme/${gone.keyVersion}`,
            certificatePem: "",
            thumbprintSha1: "",
            thumbprintSha256: "",
            serialNumber: "",
        };
        await certificates.delete!(state.keyId, state);
        await activations.delete!(`${state.keyId}#enabled`, gone);
        assert.deepEqual(
            vault
                .requestsTo("PATCH")
                .filter((r) => r.bearer === "valid")
                .map((r) => r.status),
            [404, 404],
        );
    });

    it("the vault's firewall: the create fails at once, naming the key, the vault and the setting to change", async () => {
        vault.fail(firewallFault(5));
        await assert.rejects(certificates.create(slot()), (err: Error) => {
            assert.match(err.message, new RegExp(`^Issuing a certificate on a new version of key acme in Key Vault ${vault.vaultUri().replace(/\./g, "\\.")} failed: `));
            assert.match(err.message, /\(ForbiddenByFirewall\): the vault's firewall \(vault\.allowedIpRanges\) must admit the address this deploy runs from/);
            assertNoKeyMaterial(err.message);
            return true;
        });
        assert.equal(vault.requests.filter((r) => r.status === 403).length, 1, "a firewall's refusal is not a role assignment still applying");
    });

    it("a create that fails after making its version leaves that version disabled: no deploy would ever disable it otherwise", async () => {
        for (const failing of [/\/sign$/, /\/keys\/acme\/[0-9a-f]{32}$/]) {
            // The sign, or the update that tags and disables the version, is refused once.
            vault.fail({ ...firewallFault(1), method: failing.source.includes("sign") ? "POST" : "PATCH", path: failing });
            await assert.rejects(certificates.create(slot(`w-${failing.source}`)), /ForbiddenByFirewall/);
            const made = vault.key("acme")!;
            assert.equal(made.enabled, false, `the version made before ${failing.source} failed is disabled`);
            assert.equal(made.tags["x5t-S256"], undefined, "and carries no thumbprint: the vendor's signer never picks it");
        }
    });

    it("a role assignment still applying: Azure RBAC's refusals are asked again until it applies", async () => {
        vault.fail({ ...rbacFault("Microsoft.KeyVault/vaults/keys/create/action", 3), path: /\/create$/ });
        const { outs } = await certificates.create(slot());
        assert.equal(vault.requestsTo("POST", /\/create$/).filter((r) => r.status === 403).length, 3);
        assert.equal(vault.keys.get("acme")?.length, 1, "one version: a refused create made none");
        assert.equal(vault.key("acme", outs!.keyVersion)?.enabled, false);
    });

    it("a role that never applies: the refusal stands after the bounded wait, naming the data action", async () => {
        vault.fail({ ...rbacFault("Microsoft.KeyVault/vaults/keys/create/action", 1000), path: /\/create$/ });
        const started = Date.now();
        await assert.rejects(certificates.create(slot()), (err: Error) => {
            assert.match(err.message, /refused to create key acme: the deploying identity lacks the data action Microsoft\.KeyVault\/vaults\/keys\/create\/action on the vault/);
            assert.match(err.message, /It was still refused after 0\.3 s, as long as a new role assignment takes to apply: assign the role/);
            assertNoKeyMaterial(err.message);
            return true;
        });
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= WAIT.maxWaitMs && elapsed < WAIT.maxWaitMs + 3000, `${elapsed} ms`);
        assert.equal(vault.keys.size, 0);

        vault.fail({ ...rbacFault("Microsoft.KeyVault/vaults/keys/update/action", 1000), method: "PATCH" });
        await assert.rejects(
            activations.create({ vaultUri: vault.vaultUri(), keyName: "acme", keyVersion: "0123456789abcdef0123456789abcdef" }),
            /^Error: Enabling version 0123456789abcdef0123456789abcdef of key acme in Key Vault .* failed: .*lacks the data action Microsoft\.KeyVault\/vaults\/keys\/update\/action/,
        );
    });

    it("in a project without the runtime, every method that needs it says how to make it loadable; diff and read need nothing", async () => {
        const empty = await mkdtemp(join(tmpdir(), "vendor-connections-empty-"));
        const cwd = process.cwd();
        process.chdir(empty);
        try {
            const inputs = slot();
            const version = { vaultUri: inputs.vaultUri, keyName: "acme", keyVersion: "0123456789abcdef0123456789abcdef" };
            const state = { ...inputs, ...version, keyId: "k", certificatePem: "", thumbprintSha1: "", thumbprintSha256: "", serialNumber: "" };
            await assert.rejects(certificates.check!(FIRST_DEPLOY, inputs), RUNTIME_MISSING);
            await assert.rejects(certificates.create(inputs), RUNTIME_MISSING);
            await assert.rejects(certificates.delete!("k", state), RUNTIME_MISSING);
            await assert.rejects(activations.check!(FIRST_DEPLOY, version), RUNTIME_MISSING);
            await assert.rejects(activations.create(version), RUNTIME_MISSING);
            await assert.rejects(activations.delete!("k#enabled", version), RUNTIME_MISSING);
            assert.equal((await certificates.diff!("k", state, inputs)).changes, false);
            assert.deepEqual(await activations.read!("k#enabled", version), { id: "k#enabled", props: version });
        } finally {
            process.chdir(cwd);
            await rm(empty, { recursive: true, force: true });
        }
        assert.deepEqual(vault.requests, []);
    });

    it("runs in a separate host process from the project directory, where only the installed package resolves the Key Vault SDK", async () => {
        const { caPem, token } = vault.forChildProcess();
        await writeFile(join(project.dir, "call.json"), JSON.stringify({ caPem, token, inputs: slot() }));
        // The keys client is pointed at the stand-in through the runtime's options global: its
        // token, and an agent trusting its CA that resolves the vault's name to this machine.
        await runInProviderHost(
            project.dir,
            serialized.certificate,
            "@azure/keyvault-keys",
            `    const call = JSON.parse(fs.readFileSync("call.json", "utf8"));
    const loopback = (_host, options, callback) => (options.all ? callback(null, [{ address: "127.0.0.1", family: 4 }]) : callback(null, "127.0.0.1", 4));
    globalThis[Symbol.for("vendor-connections.vaultKey.vaultKeysOptions")] = {
        credential: { getToken: async () => ({ token: call.token, expiresOnTimestamp: Date.now() + 3600000 }) },
        agent: new (require("node:https").Agent)({ ca: call.caPem, lookup: loopback }),
    };
    const checked = await provider.check({}, call.inputs);
    if (checked.failures.length > 0) throw new Error(JSON.stringify(checked.failures));
    fs.writeFileSync("created.json", JSON.stringify(await provider.create(checked.inputs)));`,
        );
        const created = JSON.parse(await readFile(join(project.dir, "created.json"), "utf8")) as { id: string; outs: VaultKeyCertificateOutputs };
        assertNoKeyMaterial(JSON.stringify(created));
        assert.equal(created.id, created.outs.keyId);
        assert.equal(vault.key("acme", created.outs.keyVersion)?.enabled, false);
        assert.ok(vault.requests.filter((r) => r.status !== 401).every((r) => r.bearer === "valid"));
    });
});
