import * as assert from "node:assert/strict";
import { CERTIFICATE_TYPE, DeployError, DeploySimulator, fakeCertificateIssuer } from "../simulator";
import { FAKE_DEPLOYER_OBJECT_ID, FAKE_VAULT } from "../support/fakes";
import { GRAPH_USER_READ, T } from "./support";

// What a VendorConnection's resource options and wiring mean across deploys, through the redeploy
// simulator (fake certificates: only the resources' lifecycle is under test here): where each child
// sits in the resource tree, how a key credential is replaced, what a rename touches, and how an
// API's permissions are found when the catalog does not list them.

const vault = FAKE_VAULT;
// Inside the overlap of the default policy's windows (P30D, renewBefore P10D): two certificates.
const IN_OVERLAP = new Date("2026-11-28T12:00:00Z");

function simulator(appRoleIds?: (clientId: string) => Record<string, string>, runTimeoutMs?: number): DeploySimulator {
    return new DeploySimulator({ project: "vendor-connections", issuers: { [CERTIFICATE_TYPE]: fakeCertificateIssuer() }, appRoleIds, runTimeoutMs });
}

type Args = Partial<import("../../components").VendorConnectionArgs>;

describe("VendorConnection across deploys", function () {
    this.timeout(120_000);
    let components: typeof import("../../components");

    before(async () => {
        components = await import("../../components");
    });

    const connection =
        (now: Date, args: Args = {}) =>
        () => {
            new components.VendorConnection("acme", { permissions: GRAPH_USER_READ, vault, now: now.toISOString(), ...args });
        };

    it("parents every child to its connection, so each keeps its URN whatever else the stack holds", async () => {
        const run = await simulator().up(IN_OVERLAP, connection(IN_OVERLAP, { readers: ["44444444-4444-4444-a444-444444444444"], allowedIpRanges: ["203.0.113.0/24"] }));
        assert.ok(run.ok, run.error?.message);
        const component = run.registered.find((r) => r.type === T.connection)!;
        const children = run.registered.filter((r) => r !== component && !r.type.startsWith("pulumi:"));
        // app, sp, 2 certificates, 2 key credentials, secret, reader, consent, named location, policy, sweep
        assert.equal(children.length, 12, children.map((c) => c.key).join(", "));
        for (const child of children) {
            assert.equal(child.parent, component.key, `${child.type} ${child.name}`);
        }
    });

    it("deletes a revoked key credential before registering its successor, in the credential's own step", async () => {
        const sim = simulator();
        assert.ok((await sim.up(IN_OVERLAP, connection(IN_OVERLAP))).ok);
        const at = new Date(IN_OVERLAP.getTime() + 3_600_000);
        const run = await sim.up(at, connection(at, { revokeIssuedBefore: ["2026-11-28T12:30:00Z"] }));
        assert.ok(run.ok, run.error?.message);
        const replaced = run.replaces.filter((r) => r.type === T.credential);
        assert.equal(replaced.length, 1);
        assert.equal(replaced[0].deleteBeforeReplace, true);
        const steps = run.operations.filter((o) => o.key === replaced[0].key).map((o) => o.kind);
        assert.deepEqual(steps, ["delete-replaced", "create-replacement"]);
    });

    it("publishes only what Entra holds: the vault secret depends on the active slot's key credential, before and after a rotation", async () => {
        const sim = simulator();
        const deployedAt = [IN_OVERLAP, new Date("2026-12-20T12:00:00Z")];
        const activeSlots: string[] = [];
        for (const at of deployedAt) {
            let declared: InstanceType<typeof components.VendorConnection> | undefined;
            const run = await sim.up(at, () => {
                declared = new components.VendorConnection("acme", { permissions: GRAPH_USER_READ, vault, now: at.toISOString() });
            });
            assert.ok(run.ok, run.error?.message);
            const active = declared!.plan.schedule!.certificates.find((c) => c.active)!;
            activeSlots.push(active.slot);
            const secret = run.registered.find((r) => r.type === T.secret)!;
            const credentials = run.registered.filter((r) => r.type === T.credential).map((r) => r.key);
            // The active slot's credential, not the other slot's: that one may be on its way out.
            assert.deepEqual(
                secret.dependencies.filter((d) => credentials.includes(d)),
                credentials.filter((key) => key.endsWith(`::acme-credential-${active.slot}`)),
            );
        }
        assert.notEqual(activeSlots[0], activeSlots[1], "the second deploy must rotate to the other slot");
    });

    it("sets up the rotation notice before the secret it announces gets a version", async () => {
        const run = await simulator().up(
            IN_OVERLAP,
            connection(IN_OVERLAP, { vault: { ...vault, systemTopicName: "kv-events" }, notify: { webhookUrl: "https://hooks.acme.example/rotated" } }),
        );
        assert.ok(run.ok, run.error?.message);
        const subscription = run.registered.find((r) => r.type === T.subscription)!;
        assert.ok(run.registered.find((r) => r.type === T.secret)!.dependencies.includes(subscription.key));
    });

    it("keeps the deploying identity among the owners of the application and the service principal, with the declared ones", async () => {
        const declared = ["77777777-7777-4777-A777-777777777777", FAKE_DEPLOYER_OBJECT_ID.toUpperCase()];
        const run = await simulator().up(IN_OVERLAP, connection(IN_OVERLAP, { owners: declared }));
        assert.ok(run.ok, run.error?.message);
        const expected = ["77777777-7777-4777-a777-777777777777", FAKE_DEPLOYER_OBJECT_ID.toLowerCase()].sort();
        for (const type of [T.application, T.servicePrincipal]) {
            assert.deepEqual(run.registered.find((r) => r.type === type)!.inputs.owners, expected, type);
        }
        const undeclared = await simulator().up(IN_OVERLAP, connection(IN_OVERLAP));
        for (const type of [T.application, T.servicePrincipal]) {
            assert.deepEqual(undeclared.registered.find((r) => r.type === type)!.inputs.owners, [FAKE_DEPLOYER_OBJECT_ID.toLowerCase()], type);
        }
    });

    it("keeps the named deployer (deployerObjectId) as owner whoever runs the deploy, and warns when someone else does", async () => {
        const pipeline = "99999999-9999-4999-a999-999999999999";
        const warnings: string[] = [];
        const warn = (message: string) => void warnings.push(message);
        const log = (await import("@pulumi/pulumi")).log;
        const original = log.warn;
        (log as { warn: typeof log.warn }).warn = (message: string) => Promise.resolve(warn(message));
        try {
            // The offline engine's caller is FAKE_DEPLOYER_OBJECT_ID: someone else than the pipeline.
            const run = await simulator().up(IN_OVERLAP, connection(IN_OVERLAP, { deployerObjectId: pipeline, owners: ["77777777-7777-4777-a777-777777777777"] }));
            assert.ok(run.ok, run.error?.message);
            for (const type of [T.application, T.servicePrincipal]) {
                assert.deepEqual(run.registered.find((r) => r.type === type)!.inputs.owners, ["77777777-7777-4777-a777-777777777777", pipeline], type);
            }
            assert.deepEqual(warnings, [
                `this deploy runs as ${FAKE_DEPLOYER_OBJECT_ID}, not as the deployer ${pipeline} (deployerObjectId), which stays the owner: ` +
                    "the running identity needs a role that may change applications it does not own (e.g. Application Administrator).",
            ]);
            warnings.length = 0;
            assert.ok((await simulator().up(IN_OVERLAP, connection(IN_OVERLAP, { deployerObjectId: FAKE_DEPLOYER_OBJECT_ID.toUpperCase() }))).ok);
            assert.deepEqual(warnings, [], "no warning when the deployer runs the deploy");
        } finally {
            (log as { warn: typeof log.warn }).warn = original;
        }
    });

    it("renames without touching the credential: a new display name updates the application alone", async () => {
        const sim = simulator();
        assert.ok((await sim.up(IN_OVERLAP, connection(IN_OVERLAP, { displayName: "Acme Backup" }))).ok);
        const run = await sim.up(IN_OVERLAP, connection(IN_OVERLAP, { displayName: "Acme Cloud Backup" }));
        assert.ok(run.ok, run.error?.message);
        assert.deepEqual([...run.creates, ...run.replaces, ...run.deletes], []);
        assert.deepEqual(
            run.updates.filter((r) => r.type !== T.connection).map((r) => r.name),
            ["acme-app"],
        );
    });

    describe("an API the catalog does not know, given by client id", () => {
        const API = "11111111-2222-4333-8444-555555555555";
        const WIDGETS_READ = "99999999-8888-4777-8666-555555555555";
        const tenant = (clientId: string): Record<string, string> =>
            clientId === API ? { "Widgets.Read.All": WIDGETS_READ, "Widgets.ReadWrite.All": "12121212-3434-4565-8787-909090909090" } : {};

        it("takes the role's id from the API's service principal in the tenant, for the requested permission and for consent", async () => {
            const run = await simulator(tenant).up(IN_OVERLAP, connection(IN_OVERLAP, { permissions: [{ api: API, roles: ["Widgets.Read.All"] }] }));
            assert.ok(run.ok, run.error?.message);
            const app = run.registered.find((r) => r.type === T.application)!;
            assert.deepEqual(app.inputs.requiredResourceAccesses, [{ resourceAppId: API, resourceAccesses: [{ id: WIDGETS_READ, type: "Role" }] }]);
            const consent = run.registered.filter((r) => r.type === T.consent);
            assert.deepEqual(
                consent.map((c) => c.inputs.appRoleId),
                [WIDGETS_READ],
            );
        });

        it("fails the deploy at once, naming the permission and what the API offers, when the tenant's API has no such role", async () => {
            // The failure stops the update: what waits on the failed registration is never answered,
            // and the run ends without waiting for it. A run that waited would end only at the
            // simulator's deadline, adding "run did not settle" to the causes: the failure must be
            // the missing role alone.
            const sim = simulator(tenant, 3_000);
            await assert.rejects(sim.up(IN_OVERLAP, connection(IN_OVERLAP, { permissions: [{ api: API, roles: ["Widgets.Write.All"] }] })), (err: unknown) => {
                assert.ok(err instanceof DeployError, String(err));
                // Anchored at the end: a second cause would follow as "(and 1 other error(s): ...)".
                assert.match(
                    err.run.error?.message ?? "",
                    new RegExp(
                        `permissions: API ${API} has no application permission "Widgets\\.Write\\.All" in this tenant; it offers: Widgets\\.Read\\.All, Widgets\\.ReadWrite\\.All\\.$`,
                    ),
                );
                return true;
            });
        });
    });
});
