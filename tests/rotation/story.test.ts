import * as assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { type Stray, thumbprintOfKey } from "../../components/sweep";
import { SweepResourceArgs, SweepResourceInputs, UNKNOWN_VALUE } from "../../components/sweep/providerModel";
import { DeploySimulator, DeployRun, SWEEP_TYPE } from "../simulator";
import { loadSerializedProvider } from "../support/dynamicProvider";
import { FAKE_VAULT } from "../support/fakes";
import { GraphStandIn, testCertificate } from "../support/graphStandIn";
import { unwrapSecrets } from "../support/secrets";
import { serializedSweepProvider } from "../support/sweepProvider";
import { hostSweepsIn, sweepRuntimeProject } from "../support/sweepRuntimeProject";
import { tenantMirror } from "../support/tenantMirror";

// The story the product exists for, replayed through the redeploy simulator with the real
// certificate provider: a connection deployed, rotated twice on schedule with overlap, then a
// compromise announced; one deploy later nothing issued before the cutoff is registered anywhere,
// the vault holds a new certificate, and the other connections saw zero operations. Then the same
// compromise with the footholds an attacker leaves (a password, a certificate on the service
// principal, Mail.ReadWrite, an owner), swept by that one deploy: the simulator runs the real Sweep
// provider against the stand-in Graph, into which the simulated azuread resources are mirrored.

const CREDENTIAL = "azuread:index/applicationCertificate:ApplicationCertificate";
const SECRET = "azure-native:keyvault:Secret";
const vault = FAKE_VAULT;
const ATTACKER = "a0000000-0000-4000-8000-000000000009";
// Microsoft Graph's Mail.ReadWrite app role (https://learn.microsoft.com/graph/permissions-reference).
const MAIL_READ_WRITE = "e2a3a72e-5f79-4c64-b1b1-878b674786c9";
const EMPTY_SWEEP: SweepResourceArgs = {
    connection: "story",
    mode: "enforce",
    declared: {
        application: { objectId: "", keyCredentialThumbprints: [], owners: [] },
        servicePrincipal: { objectId: "", keyCredentialThumbprints: [], owners: [] },
        federatedCredential: null,
        consent: [],
    },
};

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

    it("removes the attacker's footholds in the cutoff deploy, after a preview that lists all four and removes nothing", async () => {
        const { VendorConnection } = await import("../../components");
        const provider = loadSerializedProvider(await serializedSweepProvider(EMPTY_SWEEP));
        const [standIn, project] = await Promise.all([GraphStandIn.start(), sweepRuntimeProject()]);
        const agent = standIn.agent();
        const mirror = tenantMirror(standIn);
        // The provider host runs in the project directory, where the sweep's runtime is installed.
        const restore = hostSweepsIn(project, standIn, agent);
        try {
            // The real Sweep provider (no stand-in for it), asked what a change means as the engine does.
            const sim = new DeploySimulator({
                project: "vendor-connections",
                issuers: { [SWEEP_TYPE]: undefined },
                consultProviderDiff: true,
                fakers: mirror.fakers,
                onDelete: mirror.onDelete,
            });
            const program = (now: Date, revokeIssuedBefore?: string) => () => {
                new VendorConnection("archiver", {
                    permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }],
                    vault,
                    now: now.toISOString(),
                    ...(revokeIssuedBefore ? { revokeIssuedBefore: [revokeIssuedBefore] } : {}),
                });
            };
            for (const at of ["2026-11-10T09:00:00Z", "2026-11-24T09:00:00Z"].map((t) => new Date(t))) {
                await sim.up(at, program(at));
            }
            const [app] = standIn.tenant.applications.values();
            const [sp] = standIn.tenant.servicePrincipals.values();
            assert.equal(app.keyCredentials.length, 2, "the overlap: two certificates registered");
            const writesBefore = standIn.requests.filter((r) => r.method !== "GET").length;
            assert.equal(writesBefore, 0, "a clean tenant: the sweeps so far removed nothing");

            // The attacker, with the stolen certificate: a password, a certificate on the service
            // principal, Mail.ReadWrite granted to it, and an owner of its own on the application.
            const [declaredRole] = sp.appRoleAssignments;
            app.passwordCredentials.push({
                keyId: "e0000000-0000-4000-8000-000000000001",
                displayName: "sync",
                hint: "Q~7",
                startDateTime: "2026-12-14T23:00:00Z",
                endDateTime: "2028-12-01T00:00:00Z",
            });
            sp.keyCredentials.push({ ...app.keyCredentials[0], keyId: "c0000000-0000-4000-8000-000000000009", key: (await testCertificate("attacker")).keyBase64 });
            sp.appRoleAssignments.push({
                id: "ara-mail",
                appRoleId: MAIL_READ_WRITE,
                resourceId: declaredRole.resourceId,
                resourceDisplayName: "Microsoft Graph",
                principalId: declaredRole.principalId,
            });
            app.owners.push({ id: ATTACKER, type: "user" });
            // And a copy of the stolen certificate under a keyId of its own, so that it outlives the
            // deletes of the stack's credentials, which name their own keyIds.
            const stolen = app.keyCredentials[1];
            app.keyCredentials.push({ ...stolen, keyId: "c0000000-0000-4000-8000-00000000000c" });

            // `pulumi preview` of the cutoff deploy: the Sweep's check and diff, with the certificates
            // it replaces unknown, as a preview has them.
            const cutoff = "2026-12-15T08:00:00Z";
            const sweep = sim.one(SWEEP_TYPE, "archiver-sweep");
            const olds = sweep.inputs as unknown as SweepResourceInputs;
            const news = {
                ...olds,
                revokeIssuedBefore: cutoff,
                declared: { ...olds.declared, application: { ...olds.declared.application, keyCredentialThumbprints: [UNKNOWN_VALUE, UNKNOWN_VALUE] } },
            };
            const previewed = (await provider.check!(olds, news)).inputs as SweepResourceInputs;
            const strays = previewed.strays as Stray[];
            // The four footholds, and on the application the copy beside the stack's two certificates
            // the deploy revokes, each listed as revoked.
            assert.deepEqual(
                strays.filter((s) => !(s.object === "application" && s.kind === "keyCredential")).map((s) => `${s.object} ${s.kind} ${s.id}`),
                [
                    "servicePrincipal keyCredential c0000000-0000-4000-8000-000000000009",
                    "application passwordCredential e0000000-0000-4000-8000-000000000001",
                    "servicePrincipal appRoleAssignment ara-mail",
                    `application owner ${ATTACKER}`,
                ],
            );
            const revoked = strays.filter((s) => s.object === "application" && s.kind === "keyCredential");
            assert.deepEqual(revoked.map((s) => s.id).sort(), app.keyCredentials.map((k) => k.keyId).sort());
            assert.ok(
                revoked.every((s) => s.description.endsWith("revoked: issued before the cutoff")),
                JSON.stringify(revoked),
            );
            assert.equal((await provider.diff!(String(sweep.id), sweep.outputs, previewed)).changes, true);
            assert.equal(standIn.requests.filter((r) => r.method !== "GET").length, 0, "the preview removed something");

            // The one deploy: the stack's revoked credentials and the copy go, with the footholds.
            const at = new Date("2026-12-15T09:00:00Z");
            const response = await sim.up(at, program(at, cutoff));
            assert.ok(
                response.updates.some((r) => r.name === "archiver-sweep"),
                "the sweep did not run",
            );
            const declared = (sim.one(SWEEP_TYPE, "archiver-sweep").inputs as unknown as SweepResourceInputs).declared;
            assert.deepEqual(
                app.keyCredentials.map((k) => thumbprintOfKey(k.key)),
                declared.application.keyCredentialThumbprints,
                "exactly the declared certificate, issued after the cutoff",
            );
            assert.deepEqual([app.passwordCredentials, sp.keyCredentials, sp.passwordCredentials], [[], [], []]);
            assert.deepEqual(
                sp.appRoleAssignments.map((a) => [a.resourceId, a.appRoleId]),
                declared.consent.map((c) => [c.resourceId, c.appRoleId]),
            );
            assert.deepEqual([app.owners.map((o) => o.id), sp.owners.map((o) => o.id)], [declared.application.owners, declared.servicePrincipal.owners]);
        } finally {
            restore();
            agent.destroy();
            await Promise.all([standIn.close(), project.remove()]);
        }
    });
});
