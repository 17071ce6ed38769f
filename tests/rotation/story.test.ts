import * as assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { DeploySimulator, DeployRun } from "../simulator";
import { unwrapSecrets } from "../support/secrets";
import { FAKE_VAULT } from "../support/fakes";

// The story the product exists for, replayed through the redeploy simulator with the real
// certificate provider: a connection deployed, rotated twice on schedule with overlap, then a
// compromise announced; one deploy later nothing issued before the cutoff is registered anywhere,
// the vault holds a new certificate, and the other connections saw zero operations.

const CREDENTIAL = "azuread:index/applicationCertificate:ApplicationCertificate";
const SECRET = "azure-native:keyvault:Secret";
const vault = FAKE_VAULT;

describe("rotation story: deploy, two scheduled rotations, a compromise", function () {
    this.timeout(300_000);

    it("rotates with overlap, then revokes the compromised connection in one deploy, touching nothing else", async () => {
        const { VendorConnection } = await import("../../components");
        const sim = new DeploySimulator({ project: "vendor-connections" });
        const program = (now: Date, revokeIssuedBefore?: string) => () => {
            new VendorConnection("archiver", {
                permissions: [{ api: "Office365ExchangeOnline", roles: ["full_access_as_app"] }],
                vault,
                now: now.toISOString(),
                revokeIssuedBefore: revokeIssuedBefore === undefined ? undefined : [revokeIssuedBefore],
            });
            for (const other of ["backup", "scanner"]) {
                new VendorConnection(other, { permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }], vault, now: now.toISOString() });
            }
        };
        const namesOf = (run: DeployRun, connection: string) =>
            [...run.creates, ...run.replaces, ...run.deletes, ...run.updates].filter((r) => r.name.startsWith(`${connection}-`)).map((r) => r.name);
        // README "Rotation": the vault secret is updated in place (a new secret version), never
        // replaced: a replacement deletes the secret, and Key Vault keeps a deleted secret's name
        // reserved while it is soft-deleted, so the vendor's secret name would be lost.
        const assertSecretUpdatedInPlace = (run: DeployRun, what: string) => {
            const operations = run.operations.filter((o) => o.type === SECRET && o.name === "archiver-secret").map((o) => o.kind);
            assert.deepEqual(operations, ["update"], `${what}: the operations on archiver-secret`);
            assert.ok(
                run.updates.some((r) => r.type === SECRET && r.name === "archiver-secret"),
                `${what}: archiver-secret is not among the updates`,
            );
            assert.ok(!run.replaces.some((r) => r.name === "archiver-secret"), `${what}: archiver-secret was replaced`);
            assert.ok(!run.deletes.some((r) => r.name === "archiver-secret"), `${what}: archiver-secret was deleted`);
        };
        const archiverCredentials = (at: Date) => [...sim.keyCredentialsAt(at).values()].flat().filter((c) => c.name.startsWith("archiver-"));

        // Default policy P30D / renewBefore P10D: 20-day windows, the one at 2026-11-03 first.
        const deploys = ["2026-11-10T09:00:00Z", "2026-11-24T09:00:00Z", "2026-12-14T09:00:00Z"].map((t) => new Date(t));
        const runs: DeployRun[] = [];
        for (const at of deploys) {
            runs.push(await sim.up(at, program(at)));
        }
        runs.slice(1).forEach((run, i) => assertSecretUpdatedInPlace(run, `the scheduled rotation at ${deploys[i + 1].toISOString()}`));
        // Each scheduled rotation adds the new slot and keeps the previous certificate registered.
        assert.deepEqual(
            archiverCredentials(new Date("2026-11-24T10:00:00Z"))
                .map((c) => c.name)
                .sort(),
            ["archiver-credential-a", "archiver-credential-b"],
        );
        assert.deepEqual(sim.keyCredentialGaps(deploys[0], new Date("2026-12-15T00:00:00Z")), []);

        // A compromise is announced; the cutoff goes into config and one deploy follows.
        const cutoff = "2026-12-15T08:00:00Z";
        const at = new Date("2026-12-15T09:00:00Z");
        const response = await sim.up(at, program(at, cutoff));

        assertSecretUpdatedInPlace(response, "the revocation");
        assert.deepEqual(namesOf(response, "backup"), [], "backup saw no operation");
        assert.deepEqual(namesOf(response, "scanner"), [], "scanner saw no operation");
        const registered = archiverCredentials(new Date("2026-12-15T09:30:00Z"));
        assert.equal(registered.length, 1, "no overlap after a revocation");
        for (const credential of sim.resourcesAt(new Date("2026-12-15T09:30:00Z"), CREDENTIAL).filter((c) => c.name.startsWith("archiver-"))) {
            const pem = unwrapSecrets(credential.inputs.value) as string;
            assert.ok(Date.parse(new X509Certificate(pem).validFrom) >= Date.parse(cutoff), `${credential.name} was issued before the cutoff`);
        }
        const secret = sim.resourcesAt(new Date("2026-12-15T09:30:00Z"), SECRET).find((s) => s.name === "archiver-secret")!;
        const tags = unwrapSecrets(secret.inputs.tags) as Record<string, string>;
        assert.equal(tags.thumbprintSha1, new X509Certificate(unwrapSecrets(sim.one(CREDENTIAL, registered[0].name).inputs.value) as string).fingerprint.replace(/:/g, ""));

        // Uniqueness with real keys: every certificate ever issued, of any connection or slot, has its own key pair.
        const publicKeys = sim.versions
            .filter((v) => v.type === "pulumi-nodejs:dynamic/vendor-connections:Certificate")
            .map((v) => new X509Certificate(v.outputs.certificatePem as string).publicKey.export({ type: "spki", format: "der" }).toString("base64"));
        assert.ok(publicKeys.length >= 8, `${publicKeys.length} certificates issued`);
        assert.equal(new Set(publicKeys).size, publicKeys.length, "two certificates share a key pair");

        // A redeploy with nothing due changes nothing.
        const again = await sim.up(new Date("2026-12-15T10:00:00Z"), program(new Date("2026-12-15T10:00:00Z"), cutoff));
        assert.deepEqual([...again.creates, ...again.replaces, ...again.deletes, ...again.updates], []);
    });
});
