import * as assert from "node:assert/strict";
import { CERTIFICATE_TYPE, DeploySimulator, ResourceRef, fakeCertificateIssuer } from "../simulator";
import { FAKE_VAULT } from "../support/fakes";
import { GRAPH_USER_READ, T } from "./support";

// Switching an existing connection from certificates to federation (docs/security.md, federation
// instead of certificates) drops its certificates, key credentials and vault secret from the stack;
// the secret is retained in the vault, not deleted through its data plane. Through the redeploy
// simulator (fake certificates): what the second deploy creates and deletes, for the switched
// connection and for its neighbour.

const vault = FAKE_VAULT;
// Inside the overlap of the default policy's windows (P30D, renewBefore P10D): two certificates.
const IN_OVERLAP = new Date("2026-11-28T12:00:00Z");
const LATER = new Date("2026-11-28T13:00:00Z");
const ISSUER = "https://login.fabrikam.example/tenants/contoso";

type Args = Partial<import("../../components").VendorConnectionArgs>;

const named = (refs: readonly ResourceRef[]) => refs.map((r) => `${r.type} ${r.name}`).sort();

describe("VendorConnection switched from certificates to federation, across deploys", function () {
    this.timeout(120_000);
    let components: typeof import("../../components");

    before(async () => {
        components = await import("../../components");
    });

    // Two connections in one stack; only acme's arguments change between deploys.
    const program = (now: Date, acme: Args) => () => {
        new components.VendorConnection("acme", { permissions: GRAPH_USER_READ, vault, now: now.toISOString(), ...acme });
        new components.VendorConnection("other", { permissions: GRAPH_USER_READ, vault, now: now.toISOString() });
    };

    it("deletes the certificates and key credentials, retains the secret, creates a federated credential, and leaves the other connection alone", async () => {
        const sim = new DeploySimulator({ project: "vendor-connections", issuers: { [CERTIFICATE_TYPE]: fakeCertificateIssuer() } });
        const first = await sim.up(IN_OVERLAP, program(IN_OVERLAP, {}));
        assert.ok(first.ok, first.error?.message);
        const acmeBefore = first.creates.filter((r) => r.name.startsWith("acme-") && ([T.certificate, T.credential, T.secret] as string[]).includes(r.type));
        assert.equal(acmeBefore.length, 5, "acme starts with 2 certificates, 2 key credentials and a secret");

        const run = await sim.up(LATER, program(LATER, { credential: { type: "federated", issuer: ISSUER, subject: "acme-agent:contoso", trustedFrom: "2026-11-02T09:00:00Z" } }));
        assert.ok(run.ok, run.error?.message);

        assert.deepEqual(
            named(run.deletes),
            [
                `${T.credential} acme-credential-a`,
                `${T.credential} acme-credential-b`,
                `${T.secret} acme-secret`,
                `${T.certificate} acme-cert-a`,
                `${T.certificate} acme-cert-b`,
            ].sort(),
        );
        // The secret leaves the stack without a delete call: Pulumi forgets a retainOnDelete resource.
        assert.equal(sim.versions.find((v) => v.name === "acme-secret")!.options.retainOnDelete, true);
        assert.deepEqual(
            sim.versions.filter((v) => v.name.startsWith("acme-") && v.options.retainOnDelete).map((v) => v.name),
            ["acme-secret"],
            "only the secret is retained: key credentials must really be deleted",
        );
        assert.deepEqual(named(run.creates), [`${T.federated} acme-federated`]);
        assert.deepEqual([...run.updates, ...run.replaces], []);

        const federated = run.registered.find((r) => r.type === T.federated)!;
        const app = run.registered.find((r) => r.name === "acme-app")!;
        assert.equal(federated.parent, run.registered.find((r) => r.type === "vendor-connections:index:VendorConnection" && r.name === "acme")!.key);
        assert.equal(federated.inputs.issuer, ISSUER);
        assert.equal(federated.inputs.subject, "acme-agent:contoso");
        assert.deepEqual(federated.inputs.audiences, ["api://AzureADTokenExchange"]);
        // On acme's own application (azuread's applicationId is the application's resource id).
        const appId = sim.resourcesAt(LATER, app.type).find((v) => v.name === "acme-app")!.id;
        assert.ok(appId, "acme-app has no id");
        assert.equal(federated.inputs.applicationId, appId);

        // Every resource of the other connection was declared again unchanged.
        const others = first.creates.filter((r) => r.name === "other" || r.name.startsWith("other-"));
        assert.equal(others.length, 10, others.map((r) => r.name).join(", "));
        assert.deepEqual(named(run.sames.filter((r) => r.name === "other" || r.name.startsWith("other-"))), named(others));
        assert.deepEqual(
            sim.resourcesAt(LATER, T.secret).map((v) => v.name),
            ["other-secret"],
        );
    });
});
