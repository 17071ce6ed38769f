import * as assert from "node:assert/strict";
import { X509Certificate, createHash, verify } from "node:crypto";
import { buildExternallySignedCertificate } from "../../components/certificate/externallySigned";
import { VaultKeyError } from "../../components/keyVault/errors";
import { VaultKeys, type NewSigningKey } from "../../components/keyVault/vaultKeys";
import { openssl, withPrivateDir, writePrivateFile } from "../certificate/support/openssl";
import { KeyVaultStandIn, firewallFault, rbacFault, throttledFault } from "../support/keyVaultStandIn";

// The Key Vault keys client over real HTTPS against the stand-in, which holds real RSA keys and
// signs with them: the key never leaves the vault, the certificate built around it verifies with
// independent clients, and every failure names what to change.

const HOUR = 3_600_000;

function newKey(name: string, overrides: Partial<NewSigningKey> = {}): NewSigningKey {
    return {
        name,
        keySize: 2048,
        hardwareProtected: false,
        notBefore: new Date(Date.now() - HOUR),
        expiresOn: new Date(Date.now() + 24 * HOUR),
        tags: { connection: "acme" },
        ...overrides,
    };
}

describe("Key Vault keys (the SDK's KeyClient against a stand-in vault)", function () {
    this.timeout(60_000);
    let vault: KeyVaultStandIn;
    let keys: VaultKeys;

    before(async () => {
        vault = await KeyVaultStandIn.start();
        keys = new VaultKeys(vault.vaultUri(), { credential: vault.credential(), agent: vault.agent(), retryDelayInMs: 10 });
    });
    after(() => vault.close());

    it("creates a sign-only, non-exportable key valid exactly as long as its certificate, and reads its public half", async () => {
        const requested = newKey("acme-a");
        const created = await keys.create(requested);
        const stored = vault.key("acme-a", created.version)!;
        assert.deepEqual([stored.kty, stored.keySize, [...stored.keyOps]], ["RSA", 2048, ["sign", "verify"]]);
        assert.deepEqual([stored.notBefore, stored.expires], [Math.floor(requested.notBefore.getTime() / 1000), Math.floor(requested.expiresOn.getTime() / 1000)]);
        const create = vault.requestsTo("POST", /\/keys\/acme-a\/create$/).find((r) => r.bearer === "valid")!;
        // Never exportable: no `exportable: true`, no release policy (the attribute itself only a Premium vault takes).
        assert.equal((create.body as { attributes?: { exportable?: boolean } }).attributes?.exportable, undefined);
        assert.equal((create.body as { release_policy?: unknown }).release_policy, undefined);
        assert.equal(created.keyId, `${vault.vaultUri()}keys/acme-a/${created.version}`);
        assert.ok(created.publicKey.equals(stored.publicKey));
        // Key Vault's challenge: the first request learns the resource, the token is asked for it.
        assert.deepEqual(vault.scopesAsked[0], ["https://vault.azure.net/.default"]);
        assert.equal((await keys.get("acme-a", created.version))?.keyId, created.keyId);
    });

    it("builds a certificate around the vault's key that openssl and Node verify, with no private key anywhere in it", async () => {
        const key = await keys.create(newKey("acme-b"));
        const notBefore = new Date("2026-12-01T00:00:00Z");
        const notAfter = new Date("2026-12-31T00:00:00Z");
        const certificate = await buildExternallySignedCertificate({
            commonName: "acme",
            notBefore,
            notAfter,
            publicKey: key.publicKey,
            signSha256Digest: (digest) => keys.signSha256Digest("acme-b", key.version, digest),
        });
        const x509 = new X509Certificate(certificate.certificatePem);
        assert.ok(x509.verify(key.publicKey), "self-signed with the vault's key");
        assert.ok(x509.publicKey.equals(key.publicKey));
        assert.equal(x509.fingerprint.replace(/:/g, ""), certificate.thumbprintSha1);
        assert.equal(createHash("sha256").update(x509.raw).digest("base64url"), certificate.thumbprintSha256);
        assert.deepEqual([x509.validFrom, x509.validTo], ["Dec  1 00:00:00 2026 GMT", "Dec 31 00:00:00 2026 GMT"]);
        await withPrivateDir(async (dir) => {
            const file = await writePrivateFile(dir, "c.pem", certificate.certificatePem);
            assert.match(await openssl(["verify", "-x509_strict", "-partial_chain", "-CAfile", file, "-purpose", "sslclient", file]), /: OK/);
        });
        assert.doesNotMatch(JSON.stringify(certificate), /PRIVATE KEY/);
    });

    it("refuses a certificate the vault signed with another key", async () => {
        const [key, other] = await Promise.all([keys.create(newKey("acme-c")), keys.create(newKey("acme-d"))]);
        await assert.rejects(
            buildExternallySignedCertificate({
                commonName: "acme",
                notBefore: new Date("2026-12-01T00:00:00Z"),
                notAfter: new Date("2026-12-31T00:00:00Z"),
                publicKey: key.publicKey,
                signSha256Digest: (digest) => keys.signSha256Digest("acme-d", other.version, digest),
            }),
            /does not verify with the key it certifies/,
        );
    });

    it("disables a key so that it signs nothing more, and enables it again", async () => {
        const key = await keys.create(newKey("acme-e"));
        const digest = createHash("sha256").update("tbs").digest();
        await keys.setEnabled("acme-e", key.version, false);
        assert.equal((await keys.get("acme-e", key.version))?.enabled, false);
        await assert.rejects(
            keys.signSha256Digest("acme-e", key.version, digest),
            (err: VaultKeyError) => err.code === "KeyDisabled" && /refused to sign key acme-e/.test(err.message),
        );
        await keys.setEnabled("acme-e", key.version, true);
        const signature = await keys.signSha256Digest("acme-e", key.version, digest);
        assert.ok(verify("sha256", Buffer.from("tbs"), key.publicKey, signature));
    });

    it("reads a key that is not there as gone", async () => {
        assert.equal(await keys.get("never-made", "0123456789abcdef0123456789abcdef"), undefined);
    });

    it("makes an RSA-HSM key only in a Premium vault, and says so otherwise", async () => {
        await assert.rejects(
            keys.create(newKey("acme-hsm", { hardwareProtected: true })),
            (err: VaultKeyError) => err.status === 400 && /RSA-HSM is only supported in a Premium vault/.test(err.message),
        );
        const premium = await KeyVaultStandIn.start({ premium: true });
        try {
            const premiumKeys = new VaultKeys(premium.vaultUri(), { credential: premium.credential(), agent: premium.agent() });
            const key = await premiumKeys.create(newKey("acme-hsm", { hardwareProtected: true }));
            assert.equal(premium.key("acme-hsm", key.version)?.kty, "RSA-HSM");
        } finally {
            await premium.close();
        }
    });

    describe("failures name what to change", () => {
        it("the vault's firewall: the deploy runner's and the vendor's networks must be admitted", async () => {
            vault.fail(firewallFault());
            await assert.rejects(keys.create(newKey("acme-f")), (err: VaultKeyError) => {
                assert.equal(err.code, "ForbiddenByFirewall");
                assert.match(
                    err.message,
                    /refused to create key acme-f from this network \(ForbiddenByFirewall\): the vault's firewall \(vault\.allowedIpRanges\) must admit the address this deploy runs from/,
                );
                return true;
            });
        });

        it("a missing data action, by name", async () => {
            vault.fail({ ...rbacFault("Microsoft.KeyVault/vaults/keys/create/action"), path: /\/create$/ });
            await assert.rejects(
                keys.create(newKey("acme-g")),
                /refused to create key acme-g: the deploying identity lacks the data action Microsoft\.KeyVault\/vaults\/keys\/create\/action on the vault \(the built-in role Key Vault Crypto Officer grants it: VendorVault with vaultKeyCredentials grants it to its deployerObjectId, so a deploy run by another identity, or a vault the stack does not manage, needs it granted by hand\)/,
            );
            const key = await keys.create(newKey("acme-g"));
            vault.fail({ ...rbacFault("Microsoft.KeyVault/vaults/keys/sign/action"), path: /\/sign$/ });
            await assert.rejects(
                keys.signSha256Digest("acme-g", key.version, createHash("sha256").digest()),
                /lacks the data action Microsoft\.KeyVault\/vaults\/keys\/sign\/action on the vault/,
            );
        });

        it("a refused token, pointing at the credential and the cloud", async () => {
            const refused = new VaultKeys(vault.vaultUri(), { credential: vault.refusedCredential(), agent: vault.agent() });
            await assert.rejects(refused.get("acme-a", "0123456789abcdef0123456789abcdef"), /token was not accepted .*AZURE_AUTHORITY_HOST/);
        });

        it("throttling: waits as Retry-After asks, a bounded number of times, then says so", async () => {
            vault.fail(throttledFault(0, 2));
            const key = await keys.create(newKey("acme-h"));
            assert.equal(vault.requestsTo("POST", /\/keys\/acme-h\/create$/).filter((r) => r.status === 429).length, 2);
            assert.ok(key.version);

            const impatient = new VaultKeys(vault.vaultUri(), { credential: vault.credential(), agent: vault.agent(), maxRetries: 1 });
            const before = vault.requests.length;
            vault.fail({ ...throttledFault(0, 5), path: /\/keys\/acme-h\// });
            await assert.rejects(impatient.get("acme-h", key.version), /still throttled after the client's retries/);
            // The challenge round trip, then the first attempt and one retry.
            assert.ok(vault.requests.slice(before).filter((r) => r.status === 429).length <= 2);
        });
    });
});
