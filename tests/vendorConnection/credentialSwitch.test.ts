import * as assert from "node:assert/strict";
import { CERTIFICATE_TYPE, DeploySimulator, ResourceRef, fakeCertificateIssuer } from "../simulator";
import { FAKE_VAULT } from "../support/fakes";

// README, "Federation instead of certificates": switching an existing connection from certificates
// to federation deletes its vault secret. Through the redeploy simulator (fake certificates): what
// the second deploy creates and deletes, for the switched connection and for its neighbour.

const CERTIFICATE = "pulumi-nodejs:dynamic/vendor-connections:Certificate";
const CREDENTIAL = "azuread:index/applicationCertificate:ApplicationCertificate";
const FEDERATED = "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential";
const SECRET = "azure-native:keyvault:Secret";
const vault = FAKE_VAULT;
const GRAPH_USER_READ_ALL = [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }];
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
        new components.VendorConnection("acme", { permissions: GRAPH_USER_READ_ALL, vault, now, ...acme });
        new components.VendorConnection("other", { permissions: GRAPH_USER_READ_ALL, vault, now });
    };

    it("deletes the secret, certificates and key credentials, creates a federated credential, and leaves the other connection alone", async () => {
        const sim = new DeploySimulator({ project: "vendor-connections", issuers: { [CERTIFICATE_TYPE]: fakeCertificateIssuer() } });
        const first = await sim.up(IN_OVERLAP, program(IN_OVERLAP, {}));
        assert.ok(first.ok, first.error?.message);
        const acmeBefore = first.creates.filter((r) => r.name.startsWith("acme-") && [CERTIFICATE, CREDENTIAL, SECRET].includes(r.type));
        assert.equal(acmeBefore.length, 5, "acme starts with 2 certificates, 2 key credentials and a secret");

        const run = await sim.up(
            LATER,
            program(LATER, { credential: { type: "federated", issuer: ISSUER, subject: "acme-agent:contoso", trustedFrom: "2026-11-02T09:00:00Z" } }),
        );
        assert.ok(run.ok, run.error?.message);

        assert.deepEqual(named(run.deletes), [
            `${CREDENTIAL} acme-credential-a`,
            `${CREDENTIAL} acme-credential-b`,
            `${SECRET} acme-secret`,
            `${CERTIFICATE} acme-cert-a`,
            `${CERTIFICATE} acme-cert-b`,
        ].sort());
        assert.deepEqual(named(run.creates), [`${FEDERATED} acme-federated`]);
        assert.deepEqual([...run.updates, ...run.replaces], []);

        const federated = run.registered.find((r) => r.type === FEDERATED)!;
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
        assert.equal(others.length, 9, others.map((r) => r.name).join(", "));
        assert.deepEqual(named(run.sames.filter((r) => r.name === "other" || r.name.startsWith("other-"))), named(others));
        assert.deepEqual(sim.resourcesAt(LATER, SECRET).map((v) => v.name), ["other-secret"]);
    });
});
