import * as assert from "node:assert/strict";
import { valueOf } from "../support/outputs";
import { unwrapSecrets } from "../support/secrets";
import { settle } from "../support/settle";
import { FAKE_DEPLOYER_OBJECT_ID, FAKE_SUBSCRIPTION_ID, fakeGuid } from "../support/fakes";
import { GRAPH_USER_READ, NOW, T, VAULT_ID, connectionHarness, names, vault as existingVault } from "./support";

const KEY = {
    certificate: "pulumi-nodejs:dynamic/vendor-connections:VaultKeyCertificate",
    activation: "pulumi-nodejs:dynamic/vendor-connections:VaultKeyActivation",
    roleDefinition: "azure-native:authorization:RoleDefinition",
} as const;
const SIGNER_ROLE_ID = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/11111111-2222-4333-8444-555555555555`;
/** An existing vault prepared for vault keys by hand: its URI and the key-signer role given. */
const vault = { ...existingVault, vaultUri: "https://kv-vendors.vault.azure.net/", keySignerRoleDefinitionId: SIGNER_ROLE_ID };
const READER = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const vaultKey = (overrides: Record<string, unknown> = {}) => ({ type: "vaultKey" as const, ...overrides });

describe("VendorConnection credential: vaultKey (keys that never leave Key Vault)", () => {
    const h = connectionHarness("real");

    it("declares per slot a key version with its certificate, its key credential and its activation; no secret, no PKCS#12", async () => {
        const connection = await h.declare("acme", { credential: vaultKey(), readers: [READER], vault });

        assert.deepEqual(
            names(h.mocks.resources),
            [
                `${T.application} acme-app`,
                `${T.consent} acme-consent-MicrosoftGraph-User.Read.All`,
                `${T.servicePrincipal} acme-sp`,
                `${T.connection} acme`,
                `${T.sweep} acme-sweep`,
                `${KEY.certificate} acme-key-b`,
                `${T.credential} acme-credential-b`,
                `${KEY.activation} acme-key-b-enabled`,
                `${T.roleAssignment} acme-signer-${READER}`,
            ].sort(),
        );
        const certificate = h.mocks.one(KEY.certificate, "acme-key-b");
        assert.deepEqual(
            Object.fromEntries(["vaultUri", "keyName", "keySize", "hardwareProtected", "commonName", "notBefore", "notAfter", "identity"].map((k) => [k, certificate.inputs[k]])),
            {
                vaultUri: "https://kv-vendors.vault.azure.net/",
                keyName: "acme-key",
                keySize: 2048,
                hardwareProtected: false,
                commonName: "acme",
                notBefore: "2026-11-23T00:00:00Z",
                notAfter: "2026-12-23T00:00:00Z",
                identity: certificate.inputs.identity,
            },
        );
        const keyVersion = (await valueOf(connection.activeKeyId))!.split("/").pop();
        const { __provider: _provider, ...activation } = h.mocks.one(KEY.activation, "acme-key-b-enabled").inputs;
        assert.deepEqual(activation, { vaultUri: "https://kv-vendors.vault.azure.net/", keyName: "acme-key", keyVersion });
        // The key credential registers the version's certificate, for exactly its validity.
        const credential = h.mocks.one(T.credential, "acme-credential-b").inputs;
        assert.match(String(unwrapSecrets(credential.value)), /^-----BEGIN CERTIFICATE-----\nFAKE [0-9A-F]{32}\n-----END CERTIFICATE-----\n$/);
        assert.deepEqual([credential.startDate, credential.endDate], ["2026-11-23T00:00:00Z", "2026-12-23T00:00:00Z"]);

        assert.deepEqual(h.mocks.one(T.roleAssignment, `acme-signer-${READER}`).inputs, {
            principalId: READER,
            principalType: "ServicePrincipal",
            roleDefinitionId: SIGNER_ROLE_ID,
            scope: `${VAULT_ID}/keys/acme-key`,
        });

        assert.equal(await valueOf(connection.keyUri), "https://kv-vendors.vault.azure.net/keys/acme-key");
        assert.match((await valueOf(connection.activeKeyId))!, /^https:\/\/kv-vendors\.vault\.azure\.net\/keys\/acme-key\/[0-9a-f]{32}$/);
        assert.match((await valueOf(connection.activeThumbprintSha256))!, /^[A-Za-z0-9_-]{43}$/);
        assert.equal(await valueOf(connection.secretName), undefined);
        assert.equal(await valueOf(connection.secretUri), undefined);
        const [info] = await valueOf(connection.certificates);
        assert.equal(info.active, true);
        assert.equal(info.thumbprint, await valueOf(connection.activeThumbprint));

        const inventory = await valueOf(h.components.inventoryOf(connection));
        assert.deepEqual(inventory.credential, { type: "vaultKey", keyName: "acme-key", hardwareProtected: false, signers: [READER] });
        assert.equal(inventory.keyUri, "https://kv-vendors.vault.azure.net/keys/acme-key");
        assert.equal(inventory.secretUri, null);
    });

    it("names each certificate's key version in `certificates`, and in what `npm run verify` expects; a certificate connection names none", async () => {
        const connection = await h.declare("acme", { credential: vaultKey(), readers: [READER], vault });
        const [info] = await valueOf(connection.certificates);
        assert.equal(info.keyId, await valueOf(connection.activeKeyId));
        assert.equal(info.thumbprintSha256, await valueOf(connection.activeThumbprintSha256));
        const expected = await valueOf(h.components.expectedStateOf(connection));
        assert.deepEqual([expected.secretName, expected.keyName], [null, "acme-key"]);
        assert.deepEqual(expected.keyVersions, [{ keyId: info.keyId, thumbprintSha256: info.thumbprintSha256 }]);

        const certificates = await h.declare("globex", {});
        const [certificateInfo] = await valueOf(certificates.certificates);
        assert.deepEqual(Object.keys(certificateInfo).sort(), ["active", "identity", "notAfter", "notBefore", "slot", "thumbprint"]);
        const certificateExpected = await valueOf(h.components.expectedStateOf(certificates));
        assert.deepEqual([certificateExpected.secretName, certificateExpected.keyName, certificateExpected.keyVersions], ["globex-certificate", null, []]);
    });

    it("asks for an HSM-protected key of the policy's size when the connection says so", async () => {
        await h.declare("acme", { credential: vaultKey({ hardwareProtected: true }), certificate: { keySize: 3072 }, vault: { ...vault, sku: "premium" } });
        const { inputs } = h.mocks.one(KEY.certificate, "acme-key-b");
        assert.deepEqual([inputs.hardwareProtected, inputs.keySize], [true, 3072]);
    });

    it("suspended: no key version, no key credential, no signer; the service principal disabled", async () => {
        const connection = await h.declare("acme", { credential: vaultKey(), readers: [READER], suspended: true, vault });
        assert.deepEqual([...h.mocks.ofType(KEY.certificate), ...h.mocks.ofType(KEY.activation), ...h.mocks.ofType(T.credential), ...h.mocks.ofType(T.roleAssignment)], []);
        assert.equal(h.mocks.one(T.servicePrincipal, "acme-sp").inputs.accountEnabled, false);
        assert.equal(await valueOf(connection.activeKeyId), undefined);
        assert.equal(await valueOf(connection.keyUri), "https://kv-vendors.vault.azure.net/keys/acme-key");
        // Verify then expects every version of the key disabled.
        const expected = await valueOf(h.components.expectedStateOf(connection));
        assert.deepEqual([expected.suspended, expected.keyName, expected.keyVersions], [true, "acme-key", []]);
    });

    it("refuses what a vault-key connection would ignore, naming the setting and the credential type", () => {
        const message = h.refusal("acme", {
            vault,
            credential: vaultKey({ issuer: "https://login.example" }),
            secretName: "acme-cert",
            notify: { webhookUrl: "https://hooks.example/x" },
        });
        assert.match(message, /credential\.issuer: is not allowed with credential\.type "vaultKey"; a vaultKey credential takes type, hardwareProtected\./);
        assert.match(message, /secretName: is not allowed together with credential\.type "vaultKey": a vaultKey connection keeps no secret in the vault/);
        assert.match(message, /notify: is not allowed together with credential\.type "vaultKey": the vendor's signer follows the key's newest enabled version by itself/);
    });

    it("refuses hardwareProtected on another credential type, and a value that is not a boolean", () => {
        assert.match(
            h.refusal("acme", { credential: { type: "certificate", hardwareProtected: true } }),
            /credential\.hardwareProtected: is not allowed with credential\.type "certificate"; a certificate credential takes type\./,
        );
        assert.match(
            h.refusal("acme", { vault, credential: vaultKey({ hardwareProtected: "yes" }) }),
            /credential\.hardwareProtected: "yes" is not allowed; use true \(an RSA-HSM key, which needs a Premium vault\) or false/,
        );
    });

    it("refuses a vault that cannot hold the key: no URI, no key-signer role, or HSM keys asked of a standard vault", () => {
        const message = h.refusal("acme", { credential: vaultKey({ hardwareProtected: true }), vault: { ...existingVault, sku: "standard" } });
        assert.match(message, /vault\.vaultUri: required for credential\.type "vaultKey": the deploy makes the connection's key through it/);
        assert.match(message, /vault\.keySignerRoleDefinitionId: required for credential\.type "vaultKey": create the VendorVault with vaultKeyCredentials: true/);
        assert.match(message, /credential\.hardwareProtected: the vault is a standard vault, which holds no HSM-protected keys; create the VendorVault with sku: premium/);
    });

    it("refuses signers the vault's firewall would not admit, saying they sign there", () => {
        const message = h.refusal("acme", {
            vault: { ...vault, allowedIpRanges: ["203.0.113.0/24"] },
            credential: vaultKey(),
            readers: [READER],
            readerIpRanges: ["192.0.2.0/28"],
        });
        assert.match(
            message,
            /readerIpRanges: 192\.0\.2\.0\/28 is not admitted by the vault's firewall \(vault\.allowedIpRanges\), so the readers could not sign with the key from there; /,
        );
    });

    it("refuses a connection name that makes no valid key name, naming what is allowed", () => {
        assert.equal(
            h.refusal("acme_eu", { vault, credential: vaultKey() }).split("\n")[1],
            'name: "acme_eu-key" is not a valid Key Vault key name; a vaultKey connection\'s key is named "<connection name>-key", so use a connection name of letters, digits and hyphens.',
        );
    });

    it("takes a credential key of another type that is given as undefined, as a spread of optional settings leaves it", async () => {
        await h.declare("acme", { vault, credential: { type: "vaultKey", issuer: undefined, trustedFrom: undefined } });
        assert.equal(h.mocks.ofType(KEY.certificate).length, 1);
    });

    it("VendorVault vaultKeyCredentials: one key-signer role (read and sign only, assignable in the vault's resource group) and the deployer's Crypto Officer grant", async () => {
        const { VendorVault, VendorConnection } = h.components;
        const vendorVault = new VendorVault("vendors", { resourceGroupName: "rg-vendors", vaultName: "kv-vendors", sku: "premium", vaultKeyCredentials: true });
        new VendorConnection("acme", {
            permissions: GRAPH_USER_READ,
            vault: vendorVault,
            now: NOW.toISOString(),
            credential: vaultKey({ hardwareProtected: true }),
            readers: [READER],
        });
        new VendorConnection("globex", { permissions: GRAPH_USER_READ, vault: vendorVault, now: NOW.toISOString(), credential: vaultKey() });
        await settle();

        assert.equal(h.mocks.one("azure-native:keyvault:Vault", "vendors-kv").inputs.properties.sku.name, "premium");
        const [role] = h.mocks.ofType(KEY.roleDefinition);
        assert.equal(h.mocks.ofType(KEY.roleDefinition).length, 1);
        const rg = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-vendors`;
        assert.deepEqual(role.inputs.permissions, [
            { actions: [], notActions: [], dataActions: ["Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/sign/action"], notDataActions: [] },
        ]);
        assert.deepEqual(role.inputs.assignableScopes, [rg]);
        // Defined at the resource group: roleDefinitions/write there is all the deployer needs.
        assert.equal(role.inputs.scope, rg);
        assert.equal(role.inputs.roleName, "Vendor key signer (kv-vendors)");
        const officer = h.mocks.one(T.roleAssignment, "vendors-deployer-crypto-officer").inputs;
        assert.deepEqual(officer, {
            principalId: FAKE_DEPLOYER_OBJECT_ID,
            // Stated, or azure-native would say User, and ARM refuses a service principal called a user.
            principalType: "ServicePrincipal",
            roleDefinitionId: `/subscriptions/${FAKE_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/14b46e9e-c2b7-41b4-b07b-48a6ebf60603`,
            scope: `${rg}/providers/Microsoft.KeyVault/vaults/kv-vendors`,
        });
        const signer = h.mocks.one(T.roleAssignment, `acme-signer-${READER}`).inputs;
        assert.equal(signer.roleDefinitionId, `/subscriptions/${FAKE_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${fakeGuid("role:vendors-key-signer")}`);
        assert.equal(signer.scope, `${rg}/providers/Microsoft.KeyVault/vaults/kv-vendors/keys/acme-key`);
        assert.equal(h.mocks.one(KEY.certificate, "globex-key-b").inputs.vaultUri, "https://kv-vendors.vault.azure.net/");
    });
});

describe("vault-key connection: what a first deploy must wait for", function () {
    this.timeout(120_000);

    it("makes keys only once the deployer holds Key Vault Crypto Officer, and grants signers only once the key exists", async () => {
        const { DeploySimulator } = await import("../simulator");
        const { VendorConnection, VendorVault } = await import("../../components");
        const sim = new DeploySimulator({ project: "vendor-connections" });
        const run = await sim.up(NOW, () => {
            const vendorVault = new VendorVault("vendors", { resourceGroupName: "rg-vendors", vaultName: "kv-vendors", vaultKeyCredentials: true });
            new VendorConnection("acme", { permissions: GRAPH_USER_READ, vault: vendorVault, now: NOW.toISOString(), credential: vaultKey(), readers: [READER] });
        });
        const registered = (name: string) => run.registered.find((r) => r.name === name) ?? assert.fail(`${name} was not registered`);
        const dependsOn = (name: string, other: string) => registered(name).dependencies.some((key) => key.endsWith(`::${other}`));

        for (const slot of ["acme-key-b"]) {
            assert.ok(dependsOn(slot, "vendors-deployer-crypto-officer"), `${slot} waits for the deployer's Key Vault Crypto Officer grant`);
            assert.ok(dependsOn(slot, "vendors-key-signer"), `${slot} waits for the key-signer role`);
        }
        assert.ok(dependsOn(`acme-signer-${READER}`, "acme-key-b"), "the signer's role assignment waits for the key it is scoped to");
        assert.ok(dependsOn("acme-key-b-enabled", "acme-credential-b"), "the version is enabled only once Entra holds its certificate");
    });
});
