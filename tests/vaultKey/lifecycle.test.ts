import * as assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { VaultKeys } from "../../components/keyVault/vaultKeys";
import { issueVaultKeyCertificate, setKeyVersionEnabled } from "../../components/vaultKey/runtime";
import { keyVaultClientAssertion } from "../../components/vendor/clientAssertion";
import { KeyVaultStandIn, STAND_IN_TENANT_ID } from "../support/keyVaultStandIn";
import { TokenStandIn } from "../support/tokenStandIn";
import { acmeCertificate } from "./support";

// A vault-key credential's life against the stand-in vault and token endpoint: a certificate is
// issued as a new, disabled version of the connection's key; the vendor, reading the key by its
// stable id, can sign with it only once it is activated (after its registration); a rotation
// switches the vendor to the newer version; retiring a version stops signing with it.

const CLIENT_ID = "22222222-2222-4222-a222-222222222222";
const SCOPES = { scopes: ["https://graph.microsoft.com/.default"], skipCache: true };

describe("a vault-key credential's life: issue, activate, rotate, retire", function () {
    this.timeout(60_000);
    let vault: KeyVaultStandIn;
    let entra: TokenStandIn;
    let keys: VaultKeys;

    before(async () => {
        [vault, entra] = await Promise.all([KeyVaultStandIn.start(), TokenStandIn.start()]);
        keys = new VaultKeys(vault.vaultUri(), { credential: vault.credential(), agent: vault.agent() });
    });
    after(() => Promise.all([vault.close(), entra.close()]));

    function vendorSignIn(assertion: ReturnType<typeof keyVaultClientAssertion>) {
        return entra.confidentialClient(STAND_IN_TENANT_ID, CLIENT_ID, assertion).acquireTokenByClientCredential(SCOPES);
    }

    it("signs only with registered, current versions, found through the key's stable id", async () => {
        const first = await issueVaultKeyCertificate(keys, acmeCertificate(vault.vaultUri(), "w1", 2));
        // Issued: the certificate certifies the vault's key, and the version waits, disabled, for its registration.
        assert.ok(new X509Certificate(first.certificatePem).publicKey.equals(vault.key("acme", first.keyVersion)!.publicKey));
        assert.equal(vault.key("acme", first.keyVersion)!.enabled, false);
        assert.equal(vault.key("acme", first.keyVersion)!.tags["x5t-S256"], first.thumbprintSha256);
        assert.doesNotMatch(JSON.stringify(first), /PRIVATE KEY/);

        const assertion = keyVaultClientAssertion({
            keyId: `${vault.vaultUri()}keys/acme`,
            clientId: CLIENT_ID,
            tenantId: STAND_IN_TENANT_ID,
            credential: vault.credential(),
            cryptographyClientOptions: { agent: vault.agent() },
        });
        await assert.rejects(assertion(), /key acme has no enabled version with a certificate/);

        entra.register(CLIENT_ID, first.certificatePem);
        await setKeyVersionEnabled(keys, "acme", first.keyVersion, true);
        assert.ok((await vendorSignIn(assertion))?.accessToken);
        assert.equal(entra.grants.at(-1)!.header["x5t#S256"], first.thumbprintSha256);

        // Rotation: the next window's version, registered and activated; the vendor moves to it when
        // it next reads the key, and at once when its version is retired.
        const second = await issueVaultKeyCertificate(keys, acmeCertificate(vault.vaultUri(), "w2", 1));
        entra.register(CLIENT_ID, second.certificatePem);
        await setKeyVersionEnabled(keys, "acme", second.keyVersion, true);
        await setKeyVersionEnabled(keys, "acme", first.keyVersion, false);
        assert.ok((await vendorSignIn(assertion))?.accessToken);
        assert.equal(entra.grants.at(-1)!.header["x5t#S256"], second.thumbprintSha256);
        assert.deepEqual(entra.refusals, []);

        // Retired everywhere (suspension): nothing signs.
        await setKeyVersionEnabled(keys, "acme", second.keyVersion, false);
        await assert.rejects(vendorSignIn(assertion), /no enabled version/);
        // A version the vault no longer has needs nothing.
        await setKeyVersionEnabled(keys, "acme", "0123456789abcdef0123456789abcdef", false);
    });
});
