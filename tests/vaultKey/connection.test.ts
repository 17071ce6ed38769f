import * as assert from "node:assert/strict";
import { X509Certificate, createHash } from "node:crypto";
import type { Agent } from "node:https";
import * as pulumi from "@pulumi/pulumi";
import { VAULT_KEY_ACTIVATION_TYPE, VAULT_KEY_CERTIFICATE_TYPE, type Issuer } from "../simulator";
import { RecordingMocks } from "../support/mocks";
import { valueOf } from "../support/outputs";
import { PRIVATE_KEY_MATERIAL, allStrings, unwrapSecrets } from "../support/secrets";
import { settle } from "../support/settle";
import { KeyVaultStandIn } from "../support/keyVaultStandIn";
import { RuntimeProject, runtimeProject } from "../support/runtimeProject";
import { hostVaultKeysIn } from "../support/vaultKeyRuntime";

// A vault-key VendorConnection deployed through its real providers (serialized, loading the
// compiled runtime from a consumer's project) against the stand-in Key Vault: what Entra is given
// is the certificate of a key version the vault holds, the vendor's signer finds that version
// enabled and tagged as the outputs say, and no input, output or request carries private key material.

const CREDENTIAL = "azuread:index/applicationCertificate:ApplicationCertificate";
const SIGNER_ROLE = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/11111111-2222-4333-8444-555555555555";
/** Real providers for the two vault-key types, in place of the simulator's default stand-ins. */
const REAL_VAULT_KEY_PROVIDERS = { [VAULT_KEY_CERTIFICATE_TYPE]: undefined, [VAULT_KEY_ACTIVATION_TYPE]: undefined } as unknown as Record<string, Issuer>;

describe("a vault-key VendorConnection through its real providers, against the stand-in Key Vault", function () {
    this.timeout(120_000);
    const mocks = new RecordingMocks({ dynamic: "real", standIns: REAL_VAULT_KEY_PROVIDERS });
    let components: typeof import("../../components");
    let project: RuntimeProject;
    let vault: KeyVaultStandIn;
    let agent: Agent;
    let restore: () => void;

    before(async () => {
        await pulumi.runtime.setMocks(mocks, "vendor-connections", "test");
        components = await import("../../components");
        project = await runtimeProject();
        vault = await KeyVaultStandIn.start();
        agent = vault.agent();
        restore = hostVaultKeysIn(project, vault, agent, { maxWaitMs: 300, firstDelayMs: 10, maxDelayMs: 80 });
    });

    after(async () => {
        restore?.();
        agent?.destroy();
        await vault?.close();
        await project?.remove();
    });

    it("registers the certificate of an enabled, tagged key version made without export or release policy, and nothing anywhere holds its private key", async () => {
        const connection = new components.VendorConnection("acme", {
            permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }],
            vault: {
                vaultId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-test",
                vaultName: "kv-test",
                resourceGroupName: "rg",
                vaultUri: vault.vaultUri(),
                keySignerRoleDefinitionId: SIGNER_ROLE,
            },
            credential: { type: "vaultKey" },
            readers: ["6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"],
            now: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
        });
        await settle();

        const activeKeyId = (await valueOf(connection.activeKeyId))!;
        const version = activeKeyId.split("/").pop()!;
        assert.equal(await valueOf(connection.keyUri), `${vault.vaultUri().replace(/\/$/, "")}/keys/acme-key`);
        const stored = vault.key("acme-key", version) ?? assert.fail(`the vault has no ${activeKeyId}`);
        assert.equal(stored.enabled, true, "the registered version is enabled");
        assert.deepEqual([...stored.keyOps].sort(), ["sign", "verify"]);

        const active = (await valueOf(connection.certificates)).find((c) => c.active)!;
        const credential = mocks.one(CREDENTIAL, `acme-credential-${active.slot}`);
        const certificate = new X509Certificate(String(unwrapSecrets(credential.inputs.value)));
        assert.ok(certificate.verify(stored.publicKey), "Entra gets a certificate the vault's key version signed");
        assert.ok(certificate.publicKey.equals(stored.publicKey), "whose public key is that version's");
        const x5t = createHash("sha256").update(certificate.raw).digest("base64url");
        assert.equal(stored.tags["x5t-S256"], x5t);
        assert.equal(await valueOf(connection.activeThumbprintSha256), x5t);
        assert.equal(await valueOf(connection.activeThumbprint), certificate.fingerprint.replace(/:/g, ""));

        const isKeyMaterial = (text: string) => PRIVATE_KEY_MATERIAL.test(text) || (text.startsWith("MII") && text.length > 1200);
        const inputs = mocks.resources.map((r) => JSON.stringify(unwrapSecrets(r.inputs)));
        const outputs = allStrings(
            await valueOf(pulumi.all([connection.certificates, connection.keyUri, connection.activeKeyId, connection.activeThumbprintSha256, components.inventoryOf(connection)])),
        );
        const requests = vault.requests.map((r) => JSON.stringify(r));
        assert.deepEqual([...inputs, ...outputs, ...requests].filter(isKeyMaterial), []);
        // Key Vault was asked for a key that can never leave it.
        const creates = vault.requestsTo("POST", /\/keys\/acme-key\/create$/).filter((r) => r.status === 200);
        assert.equal(creates.length, (await valueOf(connection.certificates)).length, "one version per scheduled certificate");
        for (const create of creates) {
            // Never exportable: no `exportable: true`, no release policy (the attribute itself only a Premium vault takes).
            assert.equal((create.body as { attributes?: { exportable?: boolean } }).attributes?.exportable, undefined);
            assert.equal((create.body as { release_policy?: unknown }).release_policy, undefined);
        }
    });
});
