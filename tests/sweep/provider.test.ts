import * as assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import type { Agent } from "node:https";
import { join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { SweepResourceArgs, SweepResourceInputs, SweepResourceOutputs, UNKNOWN_VALUE } from "../../components/sweep/providerModel";
import type { Stray } from "../../components/sweep";
import type * as SweepResources from "../../components/sweep/resource";
import { loadSerializedProvider } from "../support/dynamicProvider";
import { nonBuiltinRequires, providerRegisteredFromPackage } from "../support/installedProvider";
import { GraphStandIn, TestCertificate, testCertificate } from "../support/graphStandIn";
import { addConnection, keyCredentialOf } from "../support/standInConnection";
import { runInProviderHost } from "../support/providerHost";
import { serializedSweepProvider } from "../support/sweepProvider";
import { SweepRuntimeProject, hostSweepsIn, sweepRuntimeProject } from "../support/sweepRuntimeProject";

// The Sweep's provider as Pulumi runs it: loaded from the `__provider` text the resource registers,
// with the working directory in a consumer's project (outside this repository) where the package's
// compiled runtime is installed, talking to the stand-in Graph over HTTPS with the real client.
// Each deploy is the host's calls in the engine's order: check (old inputs, new inputs), diff (old
// outputs, checked inputs), then create or update. A preview is check and diff alone.

const APP = "20000000-0000-4000-8000-000000000001";
const SP = "20000000-0000-4000-8000-000000000002";
const DEPLOYER = "d0000000-0000-4000-8000-000000000001";
const ATTACKER = "a0000000-0000-4000-8000-000000000009";
const GRAPH_SP = "50000000-0000-4000-8000-000000000001";
// Microsoft Graph's app role ids (https://learn.microsoft.com/graph/permissions-reference).
const USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214";
const MAIL_READ_WRITE = "e2a3a72e-5f79-4c64-b1b1-878b674786c9";

function args(mode: "enforce" | "report", thumbprints: string[]): SweepResourceArgs {
    const owners = [DEPLOYER];
    return {
        connection: "acme",
        mode,
        declared: {
            application: { objectId: APP, keyCredentialThumbprints: thumbprints, owners },
            servicePrincipal: { objectId: SP, keyCredentialThumbprints: [], owners },
            federatedCredential: null,
            consent: [{ resourceId: GRAPH_SP, appRoleId: USER_READ_ALL }],
        },
    };
}

const describeStray = (s: Stray) => `${s.object} ${s.kind} ${s.id} ${JSON.stringify(s.displayName)} ${s.created}`;

describe("the serialized Sweep provider, in a consumer's project, against the stand-in Graph", function () {
    let project: SweepRuntimeProject;
    let serialized: string;
    let provider: pulumi.dynamic.ResourceProvider;
    let declared: TestCertificate;
    let previous: TestCertificate;
    let attacker: TestCertificate;
    let standIn: GraphStandIn;
    let agent: Agent;
    let restore: () => void;

    before(async () => {
        serialized = await serializedSweepProvider(args("enforce", []));
        provider = loadSerializedProvider(serialized);
        [project, declared, previous, attacker] = await Promise.all([
            sweepRuntimeProject(),
            testCertificate("acme"),
            testCertificate("acme-previous"),
            testCertificate("attacker"),
        ]);
    });

    after(async () => {
        await project?.remove();
    });

    beforeEach(async () => {
        standIn = await GraphStandIn.start({ pageSize: 2 });
        agent = standIn.agent();
        addConnection(standIn, {
            applicationObjectId: APP,
            servicePrincipalObjectId: SP,
            certificate: declared,
            owner: DEPLOYER,
            consent: { resourceId: GRAPH_SP, appRoleId: USER_READ_ALL },
        });
        restore = hostSweepsIn(project, standIn, agent);
    });

    afterEach(async () => {
        restore();
        agent.destroy();
        await standIn.close();
    });

    const writes = () => standIn.requests.filter((r) => r.method !== "GET");
    const check = async (olds: Partial<SweepResourceInputs>, news: SweepResourceArgs) => (await provider.check!(olds, news)).inputs as SweepResourceInputs;
    const strays = (inputs: SweepResourceInputs) => inputs.strays as Stray[];

    /** One `pulumi up` of the sweep: check, diff, and the update if diff asks for one. */
    async function deploy(olds: SweepResourceOutputs, news: SweepResourceArgs): Promise<{ checked: SweepResourceInputs; changes: boolean; outs: SweepResourceOutputs }> {
        const checked = await check(olds, news);
        const { changes } = await provider.diff!("sweep-id", olds, checked);
        const outs = changes ? ((await provider.update!("sweep-id", olds, checked)).outs as SweepResourceOutputs) : olds;
        return { checked, changes: changes === true, outs };
    }

    async function firstDeploy(news: SweepResourceArgs): Promise<SweepResourceOutputs> {
        const created = await provider.create(await check({}, news));
        return created.outs as SweepResourceOutputs;
    }

    it("carries no third-party module: only Node's built-ins and the runtime's package name", () => {
        for (const name of ["@azure", "zod", "@pulumi"]) {
            assert.ok(!serialized.includes(name), `the serialized provider mentions ${name}`);
        }
        assert.ok(serialized.includes("vendor-connections/sweep-provider-runtime"));
    });

    it("requires Node's built-ins alone when serialized from the package as a consumer installs it, where the package's exports refuse its other modules", async () => {
        const installed = await providerRegisteredFromPackage<typeof SweepResources>(project, "sweep/resource", ({ Sweep }) => new Sweep("sweep", args("enforce", [])));
        assert.deepEqual(nonBuiltinRequires(installed), []);
        assert.ok(installed.includes("vendor-connections/sweep-provider-runtime"));
    });

    it("compromise: the preview lists the four footholds and removes nothing, one deploy leaves exactly the declared set, the next costs nothing", async () => {
        const state = await firstDeploy(args("enforce", [declared.thumbprint]));
        assert.deepEqual(state.removed, []);
        // The attacker's footholds: a password on the application, a certificate on the service
        // principal, Mail.ReadWrite granted to the service principal, and itself as an owner.
        const app = standIn.tenant.applications.get(APP)!;
        const sp = standIn.tenant.servicePrincipals.get(SP)!;
        app.passwordCredentials.push({
            keyId: "e0000000-0000-4000-8000-000000000001",
            displayName: "backup",
            hint: "Q~7",
            startDateTime: "2026-12-01T02:00:00Z",
            endDateTime: "2028-12-01T00:00:00Z",
        });
        sp.keyCredentials.push(keyCredentialOf("c0000000-0000-4000-8000-000000000009", attacker, "2026-12-01T02:01:00Z"));
        sp.appRoleAssignments.push({
            id: "ara-mail",
            appRoleId: MAIL_READ_WRITE,
            resourceId: GRAPH_SP,
            resourceDisplayName: "Microsoft Graph",
            principalId: SP,
            createdDateTime: "2026-12-01T02:02:00Z",
        });
        app.owners.push({ id: ATTACKER, type: "user" });
        // In removal order: certificates, passwords, app role assignments, owners.
        const footholds = [
            'servicePrincipal keyCredential c0000000-0000-4000-8000-000000000009 "CN=acme" 2026-12-01T02:01:00Z',
            'application passwordCredential e0000000-0000-4000-8000-000000000001 "backup" 2026-12-01T02:00:00Z',
            "servicePrincipal appRoleAssignment ara-mail null 2026-12-01T02:02:00Z",
            `application owner ${ATTACKER} null null`,
        ];

        // The preview: check and diff only.
        const previewed = await check(state, args("enforce", [declared.thumbprint]));
        assert.deepEqual(strays(previewed).map(describeStray), footholds);
        assert.equal((await provider.diff!("sweep-id", state, previewed)).changes, true);
        assert.deepEqual(writes(), [], "the preview removed something");

        const { changes, outs } = await deploy(state, args("enforce", [declared.thumbprint]));
        assert.equal(changes, true);
        assert.deepEqual(outs.removed.map(describeStray), footholds);
        assert.deepEqual(outs.strays, []);
        assert.deepEqual(
            app.keyCredentials.map((k) => k.keyId),
            [`c${APP.slice(1)}`],
        );
        assert.deepEqual([app.passwordCredentials, sp.keyCredentials, sp.passwordCredentials], [[], [], []]);
        assert.deepEqual(
            sp.appRoleAssignments.map((a) => a.id),
            [`ara-${SP}`],
        );
        assert.deepEqual(
            [...app.owners, ...sp.owners].map((o) => o.id),
            [DEPLOYER, DEPLOYER],
        );

        // The next deploy finds nothing: no change, so no operation and no write.
        const before = writes().length;
        const again = await deploy(outs, args("enforce", [declared.thumbprint]));
        assert.equal(again.changes, false);
        assert.equal(writes().length, before);
    });

    it("never removes what is declared nor what the deploy is still deleting, and tells a disguised certificate by its bytes", async () => {
        const app = standIn.tenant.applications.get(APP)!;
        app.keyCredentials.push(keyCredentialOf("c0000000-0000-4000-8000-000000000002", previous));
        // The previous deploy also granted Mail.ReadWrite; this one drops it, and azuread deletes its assignment at the end.
        const dropped = { resourceId: GRAPH_SP, appRoleId: MAIL_READ_WRITE };
        standIn.tenant.servicePrincipals.get(SP)!.appRoleAssignments.push({ id: "ara-dropped", ...dropped, resourceDisplayName: "Microsoft Graph", principalId: SP });
        const before = args("enforce", [declared.thumbprint, previous.thumbprint]);
        const state = await firstDeploy({ ...before, declared: { ...before.declared, consent: [...before.declared.consent, dropped] } });
        assert.deepEqual(state.removed, []);
        // An attacker's certificate carrying the declared one's thumbprint as its customKeyIdentifier.
        app.keyCredentials.push({
            ...keyCredentialOf("c0000000-0000-4000-8000-000000000003", attacker),
            customKeyIdentifier: Buffer.from(declared.thumbprint, "hex").toString("base64"),
        });

        // A rotation: `previous` leaves the program and is deleted at the end of the update.
        const { checked, outs } = await deploy(state, args("enforce", [declared.thumbprint]));
        assert.deepEqual(checked.pending, { application: [previous.thumbprint], servicePrincipal: [], federatedCredential: null, consent: [dropped], revokedBefore: null });
        assert.deepEqual(
            outs.removed.map((s) => s.id),
            ["c0000000-0000-4000-8000-000000000003"],
        );
        assert.deepEqual(
            app.keyCredentials.map((k) => k.keyId),
            [`c${APP.slice(1)}`, "c0000000-0000-4000-8000-000000000002"],
        );
        assert.ok(
            standIn.tenant.servicePrincipals.get(SP)!.appRoleAssignments.some((a) => a.id === "ara-dropped"),
            "the dropped consent was taken from under its delete",
        );
        // The PATCH sent back exactly the kept credentials, as Graph returned them.
        const [patch] = standIn.requestsTo("PATCH");
        assert.deepEqual(
            (patch.body as { keyCredentials: { keyId: string }[] }).keyCredentials.map((k) => k.keyId),
            [`c${APP.slice(1)}`, "c0000000-0000-4000-8000-000000000002"],
        );
    });

    it("report mode lists the strays in its outputs and removes nothing; it changes only when they do", async () => {
        const state = await firstDeploy(args("report", [declared.thumbprint]));
        assert.deepEqual(state.strays, []);
        standIn.tenant.servicePrincipals.get(SP)!.owners.push({ id: ATTACKER, type: "user" });
        const found = await deploy(state, args("report", [declared.thumbprint]));
        assert.equal(found.changes, true);
        assert.deepEqual(
            found.outs.strays.map((s) => s.id),
            [ATTACKER],
        );
        assert.deepEqual(found.outs.removed, []);
        const again = await deploy(found.outs, args("report", [declared.thumbprint]));
        assert.equal(again.changes, false);
        assert.deepEqual(writes(), []);
    });

    it("when the tenant cannot be read, a preview says so (strays unknown) and the update fails naming the permission", async () => {
        const state = await firstDeploy(args("enforce", [declared.thumbprint]));
        standIn.fail({ path: /^\/oauth2PermissionGrants/, status: 403, times: 10 });
        const checked = await check(state, args("enforce", [declared.thumbprint]));
        assert.equal(checked.strays, UNKNOWN_VALUE);
        assert.match(checked.unreadable ?? "", /DelegatedPermissionGrant\.ReadWrite\.All/);
        assert.equal((await provider.diff!("sweep-id", state, checked)).changes, true);
        await assert.rejects(provider.update!("sweep-id", state, checked), /vendor connection "acme" failed: .*DelegatedPermissionGrant\.ReadWrite\.All/);
        assert.deepEqual(writes(), []);
    });

    it("in the preview of a first deploy (object ids unknown) it asks Graph nothing", async () => {
        const news = args("enforce", [UNKNOWN_VALUE]);
        const checked = await check({}, { ...news, declared: { ...news.declared, application: { ...news.declared.application, objectId: UNKNOWN_VALUE } } });
        assert.equal(checked.strays, UNKNOWN_VALUE);
        assert.deepEqual(standIn.requests, []);
    });

    it("runs in a separate host process from the project directory, where only the installed package resolves its Azure dependencies", async () => {
        const { caPem, token } = standIn.forChildProcess();
        await writeFile(join(project.dir, "call.json"), JSON.stringify({ origin: standIn.origin, caPem, token, inputs: args("enforce", [declared.thumbprint]) }));
        standIn.tenant.applications.get(APP)!.owners.push({ id: ATTACKER, type: "user" });
        // The Graph client is pointed at the stand-in through the runtime's options global: its
        // origin, its token, an agent trusting its CA.
        await runInProviderHost(
            project.dir,
            serialized,
            "@azure/identity",
            `    const call = JSON.parse(fs.readFileSync("call.json", "utf8"));
    globalThis[Symbol.for("vendor-connections.sweep.graphClientOptions")] = {
        endpoints: { graph: call.origin },
        credential: { getToken: async () => ({ token: call.token, expiresOnTimestamp: Date.now() + 3600000 }) },
        agent: new (require("node:https").Agent)({ ca: call.caPem }),
    };
    const checked = await provider.check({}, call.inputs);
    fs.writeFileSync("created.json", JSON.stringify(await provider.create(checked.inputs)));`,
        );
        const created = JSON.parse(await readFile(join(project.dir, "created.json"), "utf8")) as { outs: SweepResourceOutputs };
        assert.deepEqual(
            created.outs.removed.map((s) => s.id),
            [ATTACKER],
        );
        assert.deepEqual(
            standIn.tenant.applications.get(APP)!.owners.map((o) => o.id),
            [DEPLOYER],
        );
        assert.ok(standIn.requests.every((r) => r.bearer === "valid"));
    });
});
