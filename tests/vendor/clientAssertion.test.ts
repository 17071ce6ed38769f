import * as assert from "node:assert/strict";
import { buildExternallySignedCertificate } from "../../components/certificate/externallySigned";
import { VaultKeys, type VaultSigningKey } from "../../components/keyVault/vaultKeys";
import { keyVaultClientAssertion, type KeyVaultClientAssertionOptions } from "../../components/vendor/clientAssertion";
import { KeyVaultStandIn, STAND_IN_TENANT_ID } from "../support/keyVaultStandIn";
import { TokenStandIn } from "../support/tokenStandIn";

// The vendor's side of a vault-key connection: MSAL for Node, given keyVaultClientAssertion as its
// clientAssertion, gets a token from a stand-in of Entra's token endpoint, which accepts the
// assertion only as Entra would, against the certificate registered for the application. Key Vault
// (a stand-in that really signs) makes the signature; no private key exists outside it.

const CLIENT_ID = "11111111-1111-4111-a111-111111111111";
const HOUR = 3_600_000;

describe("the vendor's client assertion, signed by Key Vault", function () {
    this.timeout(60_000);
    let vault: KeyVaultStandIn;
    let entra: TokenStandIn;
    let key: VaultSigningKey;
    let thumbprintSha256: string;

    before(async () => {
        [vault, entra] = await Promise.all([KeyVaultStandIn.start(), TokenStandIn.start()]);
        const keys = new VaultKeys(vault.vaultUri(), { credential: vault.credential(), agent: vault.agent() });
        key = await keys.create({
            name: "acme-a",
            keySize: 2048,
            hardwareProtected: false,
            notBefore: new Date(Date.now() - HOUR),
            expiresOn: new Date(Date.now() + 24 * HOUR),
            tags: {},
        });
        const certificate = await buildExternallySignedCertificate({
            commonName: "acme",
            notBefore: new Date(Math.floor((Date.now() - HOUR) / 1000) * 1000),
            notAfter: new Date(Math.floor((Date.now() + 24 * HOUR) / 1000) * 1000),
            publicKey: key.publicKey,
            signSha256Digest: (digest) => keys.signSha256Digest("acme-a", key.version, digest),
        });
        thumbprintSha256 = certificate.thumbprintSha256;
        entra.register(CLIENT_ID, certificate.certificatePem);
    });
    after(() => Promise.all([vault.close(), entra.close()]));

    /** The helper as a vendor configures it, with its own identity to Key Vault. */
    function assertionFor(overrides: Partial<KeyVaultClientAssertionOptions> = {}) {
        return keyVaultClientAssertion({
            keyId: key.keyId,
            clientId: CLIENT_ID,
            tenantId: STAND_IN_TENANT_ID,
            thumbprintSha256,
            credential: vault.credential(),
            cryptographyClientOptions: { agent: vault.agent() },
            ...overrides,
        });
    }

    function msal(clientAssertion: ReturnType<typeof keyVaultClientAssertion>) {
        return entra.confidentialClient(STAND_IN_TENANT_ID, CLIENT_ID, clientAssertion);
    }

    it("gets a token through MSAL for Node: a PS256 assertion with x5t#S256, the token endpoint as aud, and ten minutes at most", async () => {
        const result = await msal(assertionFor()).acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] });
        assert.match(result?.accessToken ?? "", /^stand-in-access-token-/);
        assert.deepEqual(entra.refusals, []);
        const [grant] = entra.grants;
        assert.deepEqual(grant.header, { alg: "PS256", typ: "JWT", "x5t#S256": thumbprintSha256 });
        const claims = grant.claims as Record<string, number | string>;
        assert.equal(claims.aud, entra.tokenEndpoint(STAND_IN_TENANT_ID));
        assert.deepEqual([claims.iss, claims.sub], [CLIENT_ID, CLIENT_ID]);
        assert.ok((claims.exp as number) - (claims.nbf as number) <= 600);
        assert.match(String(claims.jti), /^[0-9a-f-]{36}$/);
        // Signed by the vault: a sign request with PS256 reached it.
        assert.ok(vault.requestsTo("POST", /\/keys\/acme-a\/[0-9a-f]{32}\/sign$/).some((r) => (r.body as { alg?: string })?.alg === "PS256" && r.status === 200));
    });

    it("makes a fresh assertion for every call, for the public cloud's token endpoint when none is named", async () => {
        const assertion = assertionFor();
        const [first, second] = [await assertion(), await assertion()];
        const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString("utf8"));
        assert.notEqual(claimsOf(first).jti, claimsOf(second).jti);
        assert.equal(claimsOf(first).aud, `https://login.microsoftonline.com/${STAND_IN_TENANT_ID}/oauth2/v2.0/token`);
        assert.equal(
            claimsOf(await assertionFor({ authorityHost: "https://login.microsoftonline.us" })()).aud,
            `https://login.microsoftonline.us/${STAND_IN_TENANT_ID}/oauth2/v2.0/token`,
        );
    });

    it("is refused by Entra when the key no longer signs: a disabled key stops every sign-in", async () => {
        const keys = new VaultKeys(vault.vaultUri(), { credential: vault.credential(), agent: vault.agent() });
        await keys.setEnabled("acme-a", key.version, false);
        try {
            await assert.rejects(msal(assertionFor()).acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"], skipCache: true }), /disabled key/);
        } finally {
            await keys.setEnabled("acme-a", key.version, true);
        }
    });

    it("refuses bad options at once, naming each", () => {
        assert.throws(
            () => assertionFor({ clientId: "acme", thumbprintSha256: "AB:CD", lifetimeSeconds: 3600 }),
            (err: Error) =>
                /clientId: "acme" is not an application \(client\) id/.test(err.message) &&
                /thumbprintSha256: "AB:CD" is not an x5t#S256/.test(err.message) &&
                /lifetimeSeconds: 3600 is not allowed; use a whole number from 60 to 600/.test(err.message),
        );
        assert.throws(() => assertionFor({ keyId: `${vault.vaultUri()}keys/acme-a` }), /thumbprintSha256: give it only with a versioned keyId/);
        assert.throws(() => assertionFor({ keyId: "acme-a" }), /keyId: "acme-a" is not a key id; use the connection's keyUri/);
        assert.throws(() => assertionFor({ authorityHost: "http://login.microsoftonline.com" }), /authorityHost: .* is not an https origin/);
    });
});
