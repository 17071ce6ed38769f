import * as assert from "node:assert/strict";
import { X509Certificate, createHash, randomUUID } from "node:crypto";
import type { Agent } from "node:https";
import { formatDuration } from "../../components/rotation/duration";
import { toRfc3339 } from "../../components/time";
import { keyVaultClientAssertion } from "../../components/vendor/clientAssertion";
import {
    APPLICATION_CERTIFICATE_TYPE,
    APPLICATION_TYPE,
    DeployRun,
    DeploySimulator,
    VAULT_KEY_ACTIVATION_TYPE,
    VAULT_KEY_CERTIFICATE_TYPE,
    defaultFaker,
    type Faker,
    type ResourceVersion,
} from "../simulator";
import { FAKE_VAULT } from "../support/fakes";
import { KeyVaultStandIn, STAND_IN_TENANT_ID, type StoredKey } from "../support/keyVaultStandIn";
import { RuntimeProject, runtimeProject } from "../support/runtimeProject";
import { PRIVATE_KEY_MATERIAL, allStrings } from "../support/secrets";
import { TokenStandIn } from "../support/tokenStandIn";
import { hostVaultKeysIn } from "../support/vaultKeyRuntime";

// The vault-key credential as a tenant and its vendor live it. The real VendorConnection, with
// `credential: { type: "vaultKey" }`, is replayed by the redeploy simulator through five deploys;
// its two vault-key resources run their real providers (serialized, loading the compiled runtime
// from a consumer's project) against the stand-in Key Vault, which holds real RSA keys; each key
// credential the deploys register or remove is registered or removed at the stand-in token
// endpoint, which accepts an assertion only for a certificate registered for the client. The
// vendor runs MSAL for Node with the package's keyVaultClientAssertion, given the stack's `keyUri`
// and its own credential to the vault, and changes nothing on its side throughout:
//   1. the first deploy: the vendor gets a token;
//   2. a rotation: both versions sign through the overlap, the vendor's helper moves to the new
//      one once it reads the key again, and the old one is disabled by the deploy that drops its
//      slot, not before;
//   3. a compromise, revokeIssuedBefore = now: every version issued before is disabled and its
//      certificate refused, and the vendor gets a token again, with the fresh version;
//   4. suspension: no version signs, no token.
// Throughout, the vault holds nothing exportable and no state holds private key material.
//
// Time. Key Vault (a version's nbf and exp) and the token endpoint (the certificate's validity)
// judge by the wall clock, while the schedule judges by the simulated deploy instant. The vendor
// signs now with the first window's certificate and, after the rotation, with both, so now must lie
// in the overlap of two consecutive windows: the first `renewBefore` of the window containing now.
// Windows are counted from the Unix epoch, so for a fixed policy that holds only part of the day:
// the rotation period (lifetime - renewBefore) is therefore taken, in whole minutes from 4 h, as the
// first whose current window opened 25 to 95 minutes ago (PT6H / PT2H whenever that one does), and
// the deploys are placed around that window's start W:
//   - W - 30 min: the first deploy, in the previous window after its own overlap: one version,
//     valid from W - period to W + 2 h;
//   - W + 10 min: the rotation, inside the overlap: a second version, valid from W;
//   - W + 2 h: the first deploy at or after the old certificate's expiry, which drops its slot.
//     The vendor used that certificate now, so it has not expired now: this deploy, and the two
//     after it, lie ahead of the wall clock, by 25 to 95 minutes. They issue nothing that needs the
//     clock's agreement: the compromise's fresh certificate starts at its cutoff, which is now.
// The interleavings are the simulator's, seeded; three RSA keys are made in all.

const CONNECTION = "archiver";
const KEY_NAME = `${CONNECTION}-key`;
const VENDOR_SIGNER = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const SIGNER_ROLE = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/11111111-2222-4333-8444-555555555555";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const RENEW_BEFORE = 2 * HOUR;
const SCOPES = { scopes: ["https://graph.microsoft.com/.default"], skipCache: true };

/** The rotation period, in whole minutes from 4 h, whose window containing `now` opened 25 to 95 minutes before it. */
function rotationPeriodAround(now: number): number {
    for (let period = 4 * HOUR; period <= 12 * HOUR; period += MINUTE) {
        const opened = now % period;
        if (opened >= 25 * MINUTE && opened <= 95 * MINUTE) {
            return period;
        }
    }
    throw new Error(`no rotation period from 4 h to 12 h puts ${new Date(now).toISOString()} 25 to 95 minutes into a window`);
}

/**
 * Entra as the simulated deploys leave it, at the token stand-in: each ApplicationCertificate the
 * simulator creates registers its certificate for its application's client id, and each it deletes
 * is removed again; the applications keep the offline engine's ids. `registeredAfter` keeps, per
 * certificate (its x5t#S256), how many requests the vault had answered when Entra got it.
 */
function entraMirror(
    entra: TokenStandIn,
    vault: KeyVaultStandIn,
): { fakers: Record<string, Faker>; onDelete: (version: ResourceVersion) => void; registeredAfter: Map<string, number> } {
    const registeredAfter = new Map<string, number>();
    const clientIds = new Map<string, string>(); // application object id -> client id
    const registrations = new Map<string, { clientId: string; certificate: X509Certificate }>(); // key credential id -> what it registered
    const fakers: Record<string, Faker> = {
        [APPLICATION_TYPE]: (context) => {
            const faked = defaultFaker(context);
            clientIds.set(String(faked.outputs?.objectId), String(faked.outputs?.clientId));
            return faked;
        },
        [APPLICATION_CERTIFICATE_TYPE]: ({ inputs }) => {
            const objectId = String(inputs.applicationId).replace(/^\/applications\//, "");
            const clientId = clientIds.get(objectId) ?? assert.fail(`a key credential for application ${objectId}, which no deploy created`);
            const id = `${objectId}/certificate/${randomUUID()}`;
            const certificate = new X509Certificate(String(inputs.value));
            entra.register(clientId, String(inputs.value));
            registrations.set(id, { clientId, certificate });
            registeredAfter.set(createHash("sha256").update(certificate.raw).digest("base64url"), vault.requests.length);
            return { id };
        },
    };
    const onDelete = (version: ResourceVersion) => {
        const registration = version.type === APPLICATION_CERTIFICATE_TYPE ? registrations.get(String(version.id)) : undefined;
        if (registration) {
            const { clientId, certificate } = registration;
            entra.certificates.set(
                clientId,
                (entra.certificates.get(clientId) ?? []).filter((c) => !c.raw.equals(certificate.raw)),
            );
            registrations.delete(String(version.id));
        }
    };
    return { fakers, onDelete, registeredAfter };
}

describe("a vault-key connection's story: deployed, rotated, revoked, suspended, with the vendor signing in through Key Vault", function () {
    this.timeout(120_000);
    let project: RuntimeProject;
    let vault: KeyVaultStandIn;
    let entra: TokenStandIn;
    let agent: Agent;
    let vendorAgent: Agent;
    let restore: () => void;

    before(async () => {
        [project, vault, entra] = await Promise.all([runtimeProject(), KeyVaultStandIn.start(), TokenStandIn.start()]);
        agent = vault.agent();
        vendorAgent = vault.agent();
        restore = hostVaultKeysIn(project, vault, agent, { maxWaitMs: 300, firstDelayMs: 10, maxDelayMs: 80 });
    });

    after(async () => {
        restore?.();
        agent?.destroy();
        vendorAgent?.destroy();
        await Promise.all([vault?.close(), entra?.close(), project?.remove()]);
    });

    it("keeps the vendor signing in across a rotation, cuts off every earlier version at a compromise, and nothing signs while suspended", async () => {
        const { VendorConnection } = await import("../../components");
        const now = Date.now();
        const period = rotationPeriodAround(now);
        const windowStart = Math.floor(now / period) * period;
        const certificate = { lifetime: formatDuration(period + RENEW_BEFORE), renewBefore: formatDuration(RENEW_BEFORE), keySize: 2048 };
        const mirror = entraMirror(entra, vault);
        const sim = new DeploySimulator({
            project: "vendor-connections",
            seed: 11,
            // The real providers of both vault-key resources, in place of the simulator's stand-ins.
            issuers: { [VAULT_KEY_CERTIFICATE_TYPE]: undefined, [VAULT_KEY_ACTIVATION_TYPE]: undefined },
            fakers: mirror.fakers,
            onDelete: mirror.onDelete,
        });
        const program =
            (at: Date, settings: { revokeIssuedBefore?: string; suspended?: boolean } = {}) =>
            () => {
                const connection = new VendorConnection(CONNECTION, {
                    permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }],
                    vault: { ...FAKE_VAULT, vaultUri: vault.vaultUri(), keySignerRoleDefinitionId: SIGNER_ROLE },
                    credential: { type: "vaultKey" },
                    certificate,
                    readers: [VENDOR_SIGNER],
                    now: toRfc3339(at),
                    revokeIssuedBefore: settings.revokeIssuedBefore === undefined ? undefined : [settings.revokeIssuedBefore],
                    suspended: settings.suspended,
                });
                return { keyUri: connection.keyUri, clientId: connection.applicationClientId };
            };
        const deploy = async (at: number, settings?: Parameters<typeof program>[1]) => {
            const run = await sim.up(new Date(at), program(new Date(at), settings));
            return { run, exports: run.exports as { keyUri: string; clientId: string } };
        };
        const versions = () => vault.keys.get(KEY_NAME) ?? [];
        const enabled = () => versions().filter((v) => v.enabled);
        const keysMade = () => vault.requestsTo("POST", /\/keys\/[^/]+\/create$/).filter((r) => r.status === 200).length;
        const x5t = (pem: string) => createHash("sha256").update(new X509Certificate(pem).raw).digest("base64url");
        const registeredThumbprints = (clientId: string) => (entra.certificates.get(clientId) ?? []).map((c) => createHash("sha256").update(c.raw).digest("base64url"));
        const names = (refs: readonly { name: string }[]) => refs.map((r) => r.name).sort();
        const changes = (run: DeployRun) => ({ creates: names(run.creates), replaces: names(run.replaces), deletes: names(run.deletes) });
        /** The slot's certificate resource in state now: its key version and its certificate's x5t#S256. */
        const slotVersion = (slot: string) => {
            const resource = sim.one(VAULT_KEY_CERTIFICATE_TYPE, `${CONNECTION}-key-${slot}`);
            return { keyId: String(resource.outputs.keyId), version: String(resource.outputs.keyVersion), x5t: x5t(String(resource.outputs.certificatePem)) };
        };

        // ---- 1. The first deploy, in the window before W, after its own overlap: one version ----
        const first = await deploy(windowStart - 30 * MINUTE);
        const { keyUri, clientId } = first.exports;
        assert.equal(keyUri, `${vault.vaultUri().replace(/\/$/, "")}/keys/${KEY_NAME}`);
        const [oldSlot] = names(first.run.creates)
            .filter((n) => n.startsWith(`${CONNECTION}-key-`) && !n.endsWith("-enabled"))
            .map((n) => n.slice(`${CONNECTION}-key-`.length));
        assert.ok(oldSlot, sim.describe());
        const v1 = slotVersion(oldSlot);
        assert.equal(keysMade(), 1, "the first deploy makes one key version");
        assert.deepEqual(
            enabled().map((v) => v.version),
            [v1.version],
        );
        assert.equal(vault.key(KEY_NAME, v1.version)!.tags["x5t-S256"], v1.x5t);
        assert.deepEqual(registeredThumbprints(clientId), [v1.x5t], "Entra holds the first certificate");

        // The vendor: its own helper and MSAL client, given the key's stable id and nothing else of the version.
        const vendorSignIn = () => {
            const assertion = keyVaultClientAssertion({
                keyId: keyUri,
                clientId,
                tenantId: STAND_IN_TENANT_ID,
                credential: vault.credential(), // the vendor's own identity to the vault (the stand-in knows one token)
                cryptographyClientOptions: { agent: vendorAgent },
            });
            const app = msal(assertion);
            return () => app.acquireTokenByClientCredential(SCOPES);
        };
        const msal = (clientAssertion: string | ReturnType<typeof keyVaultClientAssertion>) => entra.confidentialClient(STAND_IN_TENANT_ID, clientId, clientAssertion);
        /** Gets a token and returns the x5t#S256 of the certificate Entra accepted it for. */
        const tokenWith = async (signIn: ReturnType<typeof vendorSignIn>, what: string) => {
            const grants = entra.grants.length;
            const result = await signIn();
            assert.match(result?.accessToken ?? "", /^stand-in-access-token-/, what);
            assert.equal(entra.grants.length, grants + 1, what);
            return entra.grants.at(-1)!.header["x5t#S256"];
        };
        const vendor = vendorSignIn();
        assert.equal(await tokenWith(vendor, "1. after the first deploy"), v1.x5t);

        // ---- 2. The rotation at W + 10 min: a second version, both sign through the overlap ----
        const rotation = await deploy(windowStart + 10 * MINUTE);
        const newSlot = oldSlot === "a" ? "b" : "a";
        assert.deepEqual(changes(rotation.run), {
            creates: [`${CONNECTION}-credential-${newSlot}`, `${CONNECTION}-key-${newSlot}`, `${CONNECTION}-key-${newSlot}-enabled`],
            replaces: [],
            deletes: [],
        });
        const v2 = slotVersion(newSlot);
        assert.equal(keysMade(), 2);
        // Enabled only once Entra has its certificate: the activation depends on the registration.
        const stepOf = (name: string) => rotation.run.operations.find((o) => o.name === name)!.step;
        assert.ok(stepOf(`${CONNECTION}-credential-${newSlot}`) < stepOf(`${CONNECTION}-key-${newSlot}-enabled`), sim.describe());
        assert.deepEqual(
            enabled()
                .map((v) => v.version)
                .sort(),
            [v1.version, v2.version].sort(),
            "the old version still signs: its slot is kept for the overlap",
        );
        assert.deepEqual(registeredThumbprints(clientId).sort(), [v1.x5t, v2.x5t].sort());
        // The vendor's helper signs with the version it resolved until it reads the key again (5 min
        // later, or at once when the vault refuses that version); a helper reading it now picks the newest.
        assert.equal(await tokenWith(vendor, "2. after the rotation, the running helper"), v1.x5t);
        const restarted = vendorSignIn();
        assert.equal(await tokenWith(restarted, "2. after the rotation, a helper that reads the key now"), v2.x5t);

        // ---- The deploy at W + 2 h, the old certificate's expiry, drops its slot: then, and only then, its version stops signing ----
        const drop = await deploy(windowStart + RENEW_BEFORE);
        assert.deepEqual(changes(drop.run), {
            creates: [],
            replaces: [],
            deletes: [`${CONNECTION}-credential-${oldSlot}`, `${CONNECTION}-key-${oldSlot}`, `${CONNECTION}-key-${oldSlot}-enabled`],
        });
        assert.equal(keysMade(), 2, "dropping a slot makes no key");
        assert.equal(vault.key(KEY_NAME, v1.version)!.enabled, false, "the dropped slot's version is disabled");
        assert.deepEqual(
            enabled().map((v) => v.version),
            [v2.version],
        );
        assert.deepEqual(registeredThumbprints(clientId), [v2.x5t]);
        // The running helper still holds the old version: the vault refuses it, the helper reads the key again at once.
        assert.equal(await tokenWith(vendor, "2. after the old slot is dropped, the running helper"), v2.x5t);
        assert.deepEqual(entra.refusals, [], "no assertion the vendor sent was refused");
        // An assertion signed with the current version, kept for the compromise below.
        const signedBeforeCompromise = await keyVaultClientAssertion({
            keyId: v2.keyId,
            thumbprintSha256: v2.x5t,
            clientId,
            tenantId: STAND_IN_TENANT_ID,
            credential: vault.credential(),
            cryptographyClientOptions: { agent: vendorAgent },
        })({ tokenEndpoint: entra.tokenEndpoint(STAND_IN_TENANT_ID) });

        // ---- 3. A compromise: revokeIssuedBefore = now ----
        const issuedBefore = versions().map((v) => v.version);
        const cutoff = toRfc3339(new Date());
        const compromise = await deploy(windowStart + RENEW_BEFORE + 5 * MINUTE, { revokeIssuedBefore: cutoff });
        assert.deepEqual(
            compromise.run.replaces.map((r) => [r.name, r.deleteBeforeReplace]).sort(),
            [
                [`${CONNECTION}-credential-${newSlot}`, true],
                [`${CONNECTION}-key-${newSlot}`, true],
                [`${CONNECTION}-key-${newSlot}-enabled`, true],
            ],
            "the revoked slot is replaced delete-first",
        );
        assert.equal(keysMade(), 3, "one fresh version");
        const v3 = slotVersion(newSlot);
        assert.ok(!issuedBefore.includes(v3.version));
        for (const version of issuedBefore) {
            assert.equal(vault.key(KEY_NAME, version)!.enabled, false, `version ${version}, issued before the cutoff, is disabled`);
        }
        assert.deepEqual(
            enabled().map((v) => v.version),
            [v3.version],
        );
        assert.ok(vault.key(KEY_NAME, v3.version)!.created >= Date.parse(cutoff) / 1000, "the fresh version is made after the cutoff");
        const fresh = new X509Certificate(String(sim.one(VAULT_KEY_CERTIFICATE_TYPE, `${CONNECTION}-key-${newSlot}`).outputs.certificatePem));
        assert.equal(Date.parse(fresh.validFrom), Date.parse(cutoff), "the fresh certificate is valid from the cutoff");
        assert.deepEqual(registeredThumbprints(clientId), [v3.x5t], "Entra holds only the fresh certificate");

        // The old versions sign nothing more: Key Vault refuses them by their versioned ids.
        for (const old of [v1, v2]) {
            const direct = keyVaultClientAssertion({
                keyId: old.keyId,
                thumbprintSha256: old.x5t,
                clientId,
                tenantId: STAND_IN_TENANT_ID,
                credential: vault.credential(),
                cryptographyClientOptions: { agent: vendorAgent },
            });
            await assert.rejects(direct(), /disabled key/, `signing with ${old.keyId}`);
        }
        // And an assertion signed with the revoked version before the cutoff, still within its ten
        // minutes, is refused: its certificate is no longer registered.
        const refusals = entra.refusals.length;
        await assert.rejects(msal(signedBeforeCompromise).acquireTokenByClientCredential(SCOPES), /AADSTS700027/);
        assert.match(entra.refusals.slice(refusals).join("\n"), new RegExp(`not registered on application.*'${v2.x5t}'`));
        // The vendor, through the stable keyUri and unchanged, is signing in again with the fresh version.
        assert.equal(await tokenWith(vendor, "3. after the compromise, the running helper"), v3.x5t);

        // ---- 4. Suspension: no version enabled, no token ----
        const suspension = await deploy(windowStart + RENEW_BEFORE + 10 * MINUTE, { revokeIssuedBefore: cutoff, suspended: true });
        assert.deepEqual(changes(suspension.run), {
            creates: [],
            replaces: [],
            // The slot, and the vendor's signer role on the key.
            deletes: [`${CONNECTION}-credential-${newSlot}`, `${CONNECTION}-key-${newSlot}`, `${CONNECTION}-key-${newSlot}-enabled`, `${CONNECTION}-signer-${VENDOR_SIGNER}`],
        });
        assert.deepEqual(enabled(), [], "no version is enabled while suspended");
        assert.deepEqual(registeredThumbprints(clientId), []);
        const grants = entra.grants.length;
        await assert.rejects(vendor(), /no enabled version/);
        await assert.rejects(vendorSignIn()(), /no enabled version/);
        assert.equal(entra.grants.length, grants, "no token while suspended");

        // ---- Throughout: a version was enabled for the vendor only once Entra held its certificate ----
        // (A version is made enabled, to sign its own certificate, without the x5t-S256 tag the
        // vendor's helper looks for, and is disabled as the tag is added: checked below.)
        const enablings = vault.requests
            .map((request, index) => ({ request, index }))
            .filter(({ request }) => request.method === "PATCH" && request.status === 200 && (request.body as { attributes?: { enabled?: boolean } }).attributes?.enabled === true);
        assert.equal(enablings.length, 3, "each version enabled once, by its activation");
        for (const { request, index } of enablings) {
            const version = vault.key(KEY_NAME, request.path.split("/").pop())!;
            const registered = mirror.registeredAfter.get(version.tags["x5t-S256"]);
            assert.ok(registered !== undefined && registered <= index, `version ${version.version} was enabled before Entra held its certificate`);
        }

        // ---- Throughout: three RSA keys, none ever exportable, and no private key in any state ----
        // (Key Vault's challenge: the client's first request goes without a token and is answered 401.)
        const creates = vault.requestsTo("POST", /\/keys\/[^/]+\/create$/).filter((r) => r.status === 200);
        assert.equal(creates.length, 3);
        for (const create of creates) {
            const body = create.body as { kty?: string; key_ops?: string[]; attributes?: { exportable?: boolean }; release_policy?: unknown; tags?: Record<string, string> };
            assert.equal(body.tags?.["x5t-S256"], undefined, "a version is made without the tag the vendor's helper signs with");
            assert.equal(body.kty, "RSA");
            assert.deepEqual([...(body.key_ops ?? [])].sort(), ["sign", "verify"]);
            assert.equal(body.attributes?.exportable, undefined, "no exportable attribute");
            assert.equal(body.release_policy, undefined, "no release policy");
        }
        assert.deepEqual([...vault.keys.keys()], [KEY_NAME], "the vault holds the connection's key alone");
        assert.ok(versions().every((v: StoredKey) => v.keyOps.every((op) => op === "sign" || op === "verify")));

        const privateParts = versions().flatMap((v) => {
            const jwk = v.privateKey.export({ format: "jwk" });
            return [jwk.d!, jwk.p!, jwk.q!, v.privateKey.export({ type: "pkcs8", format: "der" }).toString("base64")];
        });
        const stateStrings = [...sim.versions.flatMap((v) => allStrings([v.inputs, v.outputs])), ...sim.history.flatMap((r) => allStrings(r.exports))];
        assert.ok(stateStrings.length > 0);
        const leaks = stateStrings.filter((text) => PRIVATE_KEY_MATERIAL.test(text) || privateParts.some((part) => text.includes(part)));
        assert.deepEqual(leaks, [], "private key material in state");
    });
});
