import * as assert from "node:assert/strict";
import type { Agent } from "node:https";
import { ConcurrencyLimiter, GraphClient, GraphPermissionError, GraphThrottledError } from "../../components/graph";
import { DeclaredConnection, KeyCredentialsChangedError, SweepIncompleteError, SweepResult, sweepConnection } from "../../components/sweep";
import { GraphStandIn, StoredKeyCredential, TestCertificate, testCertificate } from "../support/graphStandIn";

// The executor over the real Graph client and real HTTPS, against the stand-in Graph holding a
// connection an attacker has worked on: a certificate disguised as the declared one, passwords,
// a federated credential for its own workload, extra application permissions, delegated grants
// and owners of its own. The stand-in answers every listing in pages of 2.

const APP = "10000000-0000-4000-8000-000000000001";
const SP = "10000000-0000-4000-8000-000000000002";
const DEPLOYER = "d0000000-0000-4000-8000-000000000001";
const VENDOR_OWNER = "d0000000-0000-4000-8000-000000000002";
const ATTACKERS = ["a0000000-0000-4000-8000-000000000001", "a0000000-0000-4000-8000-000000000002", "a0000000-0000-4000-8000-000000000003"];
const GRAPH_SP = "50000000-0000-4000-8000-000000000001";
const DECLARED_ROLE = "60000000-0000-4000-8000-000000000001";
const OTHER_CLIENT = "70000000-0000-4000-8000-000000000001";
const PASSWORD_HINT = "Q~7";
const TRUST = { issuer: "https://token.actions.githubusercontent.com", subject: "repo:vendor/app:environment:prod", audiences: ["api://AzureADTokenExchange"] };

function keyCredential(keyId: string, certificate: TestCertificate, customKeyIdentifier: string | null = null): StoredKeyCredential {
    return {
        keyId,
        key: certificate.keyBase64,
        customKeyIdentifier,
        displayName: "CN=vendor",
        type: "AsymmetricX509Cert",
        usage: "Verify",
        startDateTime: "2026-01-01T00:00:00Z",
        endDateTime: "2026-02-01T00:00:00Z",
    };
}

describe("sweeping a connection, against the stand-in Graph over HTTPS", function () {
    let declaredCertificate: TestCertificate;
    let pendingCertificate: TestCertificate;
    let attackerCertificate: TestCertificate;
    let standIn: GraphStandIn;
    let agent: Agent;
    let declared: DeclaredConnection;

    before(async () => {
        [declaredCertificate, pendingCertificate, attackerCertificate] = await Promise.all(["declared", "pending", "attacker"].map(testCertificate));
    });

    beforeEach(async () => {
        standIn = await GraphStandIn.start({ pageSize: 2 });
        agent = standIn.agent();
        const disguise = Buffer.from(declaredCertificate.thumbprint, "hex").toString("base64");
        const password = (keyId: string) => ({ keyId, displayName: "backup", hint: PASSWORD_HINT, startDateTime: "2026-01-01T00:00:00Z", endDateTime: "2028-01-01T00:00:00Z" });
        standIn.tenant.applications.set(APP, {
            keyCredentials: [
                keyCredential("c0000000-0000-4000-8000-000000000001", declaredCertificate),
                keyCredential("c0000000-0000-4000-8000-000000000002", pendingCertificate),
                keyCredential("c0000000-0000-4000-8000-000000000003", attackerCertificate, disguise),
            ],
            passwordCredentials: [password("e0000000-0000-4000-8000-000000000001")],
            federatedIdentityCredentials: [
                { id: "f-declared", name: "vendor", description: null, ...TRUST },
                { id: "f-attacker-1", name: "ci", description: null, ...TRUST, subject: "repo:attacker/tools:ref:refs/heads/main" },
                { id: "f-attacker-2", name: "ci2", description: null, ...TRUST, issuer: "https://attacker.example" },
            ],
            owners: [{ id: DEPLOYER, type: "servicePrincipal" }, { id: VENDOR_OWNER, type: "user" }, ...ATTACKERS.map((id) => ({ id, type: "user" as const }))],
        });
        standIn.tenant.servicePrincipals.set(SP, {
            accountEnabled: true,
            keyCredentials: [keyCredential("c0000000-0000-4000-8000-000000000004", attackerCertificate)],
            passwordCredentials: [password("e0000000-0000-4000-8000-000000000002")],
            appRoleAssignments: [
                { id: "ara-declared", appRoleId: DECLARED_ROLE, resourceId: GRAPH_SP, resourceDisplayName: "Microsoft Graph", principalId: SP },
                { id: "ara-mail", appRoleId: "60000000-0000-4000-8000-000000000002", resourceId: GRAPH_SP, resourceDisplayName: "Microsoft Graph", principalId: SP },
                { id: "ara-directory", appRoleId: "60000000-0000-4000-8000-000000000003", resourceId: GRAPH_SP, resourceDisplayName: "Microsoft Graph", principalId: SP },
            ],
            owners: [
                { id: DEPLOYER, type: "servicePrincipal" },
                { id: ATTACKERS[0], type: "user" },
            ],
        });
        standIn.tenant.oauth2PermissionGrants.push(
            { id: "grant-1", clientId: SP, resourceId: GRAPH_SP, consentType: "AllPrincipals", principalId: null, scope: "Mail.Read" },
            { id: "grant-other", clientId: OTHER_CLIENT, resourceId: GRAPH_SP, consentType: "AllPrincipals", principalId: null, scope: "User.Read" },
            { id: "grant-2", clientId: SP, resourceId: GRAPH_SP, consentType: "Principal", principalId: VENDOR_OWNER, scope: "Files.Read.All" },
        );
        declared = {
            application: { objectId: APP, keyCredentialThumbprints: [declaredCertificate.thumbprint], owners: [DEPLOYER, VENDOR_OWNER] },
            servicePrincipal: { objectId: SP, keyCredentialThumbprints: [], owners: [DEPLOYER, VENDOR_OWNER] },
            federatedCredential: TRUST,
            consent: [{ resourceId: GRAPH_SP, appRoleId: DECLARED_ROLE }],
        };
    });

    afterEach(async () => {
        agent.destroy();
        await standIn.close();
    });

    function client(): GraphClient {
        return new GraphClient({ endpoints: { graph: standIn.origin }, credential: standIn.credential(), agent, limiter: new ConcurrencyLimiter(8), retry: { maxRetries: 2 } });
    }

    function sweep(mode: "remove" | "report" = "remove"): Promise<SweepResult> {
        return sweepConnection(client(), declared, { mode, pending: { application: [pendingCertificate.thumbprint], servicePrincipal: [] } });
    }

    const writes = () => standIn.requests.filter((r) => r.method !== "GET");

    async function incomplete(promise: Promise<unknown>): Promise<SweepIncompleteError> {
        try {
            await promise;
        } catch (err) {
            assert.ok(err instanceof SweepIncompleteError, String(err));
            return err;
        }
        assert.fail("the sweep completed");
    }

    it("report mode lists every stray and changes nothing", async () => {
        const before = JSON.stringify([...standIn.tenant.applications, ...standIn.tenant.servicePrincipals, standIn.tenant.oauth2PermissionGrants]);

        const result = await sweep("report");

        assert.deepEqual(
            result.plan.strays.map((s) => `${s.object} ${s.kind} ${s.id}`),
            [
                "application keyCredential c0000000-0000-4000-8000-000000000003",
                "servicePrincipal keyCredential c0000000-0000-4000-8000-000000000004",
                "application passwordCredential e0000000-0000-4000-8000-000000000001",
                "servicePrincipal passwordCredential e0000000-0000-4000-8000-000000000002",
                "application federatedIdentityCredential f-attacker-1",
                "application federatedIdentityCredential f-attacker-2",
                "servicePrincipal appRoleAssignment ara-directory",
                "servicePrincipal appRoleAssignment ara-mail",
                "servicePrincipal oauth2PermissionGrant grant-1",
                "servicePrincipal oauth2PermissionGrant grant-2",
                ...ATTACKERS.map((id) => `application owner ${id}`),
                `servicePrincipal owner ${ATTACKERS[0]}`,
            ],
        );
        assert.deepEqual(result.applied, []);
        assert.deepEqual(writes(), []);
        assert.equal(JSON.stringify([...standIn.tenant.applications, ...standIn.tenant.servicePrincipals, standIn.tenant.oauth2PermissionGrants]), before);
        assert.equal(result.accountEnabled, true);
        // Listings were followed past their first page (pages of 2).
        assert.ok(standIn.requestsTo("GET", /\/owners$/).some((r) => r.query.$skiptoken));
        // Nothing secret in what a report would print.
        const printed = JSON.stringify(result);
        assert.ok(!printed.includes(PASSWORD_HINT));
        assert.equal(standIn.leaksToken(printed), false);
    });

    it("removes exactly the strays, owners last, and keeps the declared and the pending certificate", async () => {
        const result = await sweep();

        const app = standIn.tenant.applications.get(APP)!;
        const sp = standIn.tenant.servicePrincipals.get(SP)!;
        assert.deepEqual(
            app.keyCredentials.map((k) => k.key),
            [declaredCertificate.keyBase64, pendingCertificate.keyBase64],
        );
        assert.deepEqual(app.passwordCredentials, []);
        assert.deepEqual(
            app.federatedIdentityCredentials.map((f) => f.id),
            ["f-declared"],
        );
        assert.deepEqual(
            app.owners.map((o) => o.id),
            [DEPLOYER, VENDOR_OWNER],
        );
        assert.deepEqual(sp.keyCredentials, []);
        assert.deepEqual(sp.passwordCredentials, []);
        assert.deepEqual(
            sp.appRoleAssignments.map((a) => a.id),
            ["ara-declared"],
        );
        assert.deepEqual(
            sp.owners.map((o) => o.id),
            [DEPLOYER],
        );
        assert.deepEqual(
            standIn.tenant.oauth2PermissionGrants.map((g) => g.id),
            ["grant-other"],
        );

        // One PATCH per object, listing exactly the kept credentials.
        const patches = standIn.requestsTo("PATCH");
        assert.deepEqual(
            patches.map((p) => [p.path, (p.body as { keyCredentials: { keyId: string }[] }).keyCredentials.map((k) => k.keyId)]),
            [
                [`/applications/${APP}`, ["c0000000-0000-4000-8000-000000000001", "c0000000-0000-4000-8000-000000000002"]],
                [`/servicePrincipals/${SP}`, []],
            ],
        );
        // Owners last: no other write after the first owner removal.
        const order = writes().map((w) => (w.path.endsWith("/$ref") ? "owner" : "other"));
        assert.deepEqual(
            order,
            [...order].sort((a, b) => (a === b ? 0 : a === "other" ? -1 : 1)),
        );
        assert.equal(order.filter((o) => o === "owner").length, 4);
        assert.equal(result.applied.length, result.plan.operations.length);
        assert.ok(result.applied.every((a) => a.outcome === "removed"));
    });

    it("is safe to run twice: the second run finds nothing and writes nothing", async () => {
        await sweep();
        const writesBefore = writes().length;

        const again = await sweep();

        assert.deepEqual(again.plan.strays, []);
        assert.equal(writes().length, writesBefore);
    });

    it("retries a few 429s within its bounds and completes", async () => {
        standIn.fail({ method: "DELETE", path: /^\/oauth2PermissionGrants\//, status: 429, headers: { "Retry-After": "0" }, times: 2 });

        const result = await sweep();

        assert.equal(standIn.requestsTo("DELETE", /^\/oauth2PermissionGrants\//).filter((r) => r.status === 429).length, 2);
        assert.equal(result.applied.length, result.plan.operations.length);
    });

    it("stops clearly in a 429 storm, before removing any owner", async () => {
        standIn.fail({ method: "DELETE", path: /^\/oauth2PermissionGrants\//, status: 429, headers: { "Retry-After": "0" }, times: 100 });

        const error = await incomplete(sweep());

        assert.ok(error.failures.every((f) => f instanceof GraphThrottledError));
        assert.match(error.message, /still throttled the request to delete a delegated permission grant .* after 2 retries/);
        // 2 grants, each tried 3 times (first attempt + 2 retries).
        assert.equal(standIn.requestsTo("DELETE", /^\/oauth2PermissionGrants\//).length, 6);
        assert.equal(standIn.requestsTo("DELETE", /\/owners\//).length, 0);
        assert.equal(standIn.tenant.servicePrincipals.get(SP)!.appRoleAssignments.length, 1, "the earlier kinds were removed");
    });

    it("names the missing permission when Graph answers 403", async () => {
        standIn.fail({ method: "DELETE", path: /\/appRoleAssignments\//, status: 403, times: 2 });

        const error = await incomplete(sweep());

        assert.ok(error.failures[0] instanceof GraphPermissionError);
        assert.match(
            error.message,
            new RegExp(
                `delete an app role assignment held by the service principal \\(service principal ${SP}\\).*needs the application permission AppRoleAssignment\\.ReadWrite\\.All`,
            ),
        );
        assert.equal(standIn.requestsTo("DELETE", /\/owners\//).length, 0);
    });

    it("takes a 404 on removal as already gone", async () => {
        standIn.fail({ method: "DELETE", path: /\/federatedIdentityCredentials\/f-attacker-1$/, status: 404, times: 1 });

        const result = await sweep();

        assert.deepEqual(
            result.applied.filter((a) => a.outcome === "already gone").map((a) => a.operation.removes[0].id),
            ["f-attacker-1"],
        );
    });

    it("replaces no key credential when they changed since it read them", async () => {
        let added = false;
        standIn.afterRequest = (request) => {
            if (!added && request.method === "GET" && request.path === `/applications/${APP}`) {
                added = true;
                // As the stack's own key credential resource would, between the sweep's read and its PATCH.
                standIn.tenant.applications.get(APP)!.keyCredentials.push(keyCredential("c0000000-0000-4000-8000-000000000009", pendingCertificate));
            }
        };

        const error = await incomplete(sweep());

        assert.ok(error.failures.some((f) => f instanceof KeyCredentialsChangedError && f.object === "application"));
        assert.deepEqual(standIn.requestsTo("PATCH", /^\/applications\//), []);
        assert.equal(standIn.tenant.applications.get(APP)!.keyCredentials.length, 4);
    });

    it("sweeps the service principal when the application is gone, and says which is missing", async () => {
        standIn.tenant.applications.delete(APP);

        const result = await sweep();

        assert.deepEqual(result.missing, ["application"]);
        assert.deepEqual(
            standIn.tenant.servicePrincipals.get(SP)!.owners.map((o) => o.id),
            [DEPLOYER],
        );
    });
});
