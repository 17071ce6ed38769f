import * as assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Agent } from "node:https";
import { CredentialUnavailableError } from "@azure/identity";
import {
    ConcurrencyLimiter,
    GraphAuthenticationError,
    GraphClient,
    GraphClientOptions,
    GraphError,
    GraphPermissionError,
    GraphRequestError,
    GraphThrottledError,
    GraphTimeoutError,
    processGraphLimiter,
    resolveGraphEndpoints,
} from "../../components/graph";
import { GraphStandIn, testCertificate } from "../support/graphStandIn";

// The real client, over real HTTPS, against the stand-in Graph: nothing of the client is mocked.

const APP = "11111111-1111-4111-8111-111111111111";
const SP = "22222222-2222-4222-8222-222222222222";

async function rejection(promise: Promise<unknown>): Promise<GraphError> {
    try {
        await promise;
    } catch (err) {
        assert.ok(err instanceof GraphError, `a GraphError, not ${String(err)}`);
        return err;
    }
    assert.fail("the call succeeded");
}

describe("the Graph client, against the stand-in Graph over HTTPS", function () {
    let standIn: GraphStandIn;
    let agent: Agent;

    function client(options: Partial<GraphClientOptions> = {}): GraphClient {
        return new GraphClient({
            // Resolved as production resolves it, from the variable.
            endpoints: resolveGraphEndpoints({ VENDOR_CONNECTIONS_GRAPH_ENDPOINT: standIn.origin }),
            credential: standIn.credential(),
            agent,
            limiter: new ConcurrencyLimiter(8),
            ...options,
        });
    }

    beforeEach(async () => {
        standIn = await GraphStandIn.start({ pageSize: 2 });
        agent = standIn.agent();
        standIn.tenant.applications.set(APP, { keyCredentials: [], passwordCredentials: [], federatedIdentityCredentials: [], owners: [] });
        standIn.tenant.servicePrincipals.set(SP, { accountEnabled: true, keyCredentials: [], passwordCredentials: [], appRoleAssignments: [], owners: [] });
    });

    afterEach(async () => {
        agent.destroy();
        await standIn.close();
    });

    it("reads an application's certificates with their bytes and its passwords without their hint, with a token for that Graph", async () => {
        const certificate = await testCertificate("reads");
        const app = standIn.tenant.applications.get(APP)!;
        app.keyCredentials.push({
            keyId: randomUUID(),
            key: certificate.keyBase64,
            customKeyIdentifier: null,
            displayName: "CN=reads",
            type: "AsymmetricX509Cert",
            usage: "Verify",
            startDateTime: "2026-01-01T00:00:00Z",
            endDateTime: "2026-02-01T00:00:00Z",
        });
        app.passwordCredentials.push({
            keyId: randomUUID(),
            displayName: "added elsewhere",
            hint: "Xy7",
            startDateTime: "2026-01-01T00:00:00Z",
            endDateTime: "2027-01-01T00:00:00Z",
        });

        const read = await client().getApplication(APP);

        assert.equal(read?.keyCredentials[0].key, certificate.keyBase64);
        assert.deepEqual(Object.keys(read!.passwordCredentials[0]).sort(), ["displayName", "endDateTime", "keyId", "startDateTime"], "hint and secretText are dropped");
        const [request] = standIn.requests;
        assert.equal(request.query.$select, "id,keyCredentials,passwordCredentials");
        assert.equal(request.bearer, "valid");
        assert.deepEqual(standIn.scopesAsked[0], [`${standIn.origin}/.default`]);
    });

    it("follows @odata.nextLink to the last page", async () => {
        const owners = Array.from({ length: 5 }, () => ({ id: randomUUID(), type: "user" as const }));
        standIn.tenant.applications.get(APP)!.owners.push(...owners);

        const listed = await client().listApplicationOwners(APP);

        assert.deepEqual(
            listed?.map((o) => o.id),
            owners.map((o) => o.id),
        );
        const pages = standIn.requestsTo("GET", /\/owners$/);
        assert.equal(pages.length, 3);
        assert.equal(pages[0].query.$skiptoken, undefined);
        assert.ok(pages.slice(1).every((p) => Boolean(p.query.$skiptoken) && p.query.$select === "id"));
    });

    it("lists delegated grants filtered by the client, on every page", async () => {
        const other = randomUUID();
        const grants = [SP, SP, other, SP].map((clientId) => ({
            id: randomUUID(),
            clientId,
            resourceId: randomUUID(),
            consentType: "AllPrincipals" as const,
            principalId: null,
            scope: "User.Read",
        }));
        standIn.tenant.oauth2PermissionGrants.push(...grants);

        const listed = await client().listOAuth2PermissionGrants(SP);

        assert.deepEqual(
            listed.map((g) => g.id),
            grants.filter((g) => g.clientId === SP).map((g) => g.id),
        );
        assert.ok(standIn.requests.every((r) => r.query.$filter === `clientId eq '${SP}'`));
    });

    it("never sends the token to a nextLink outside this Graph", async () => {
        standIn.fail({
            method: "GET",
            path: /\/appRoleAssignments$/,
            status: 200,
            times: 1,
            body: { value: [], "@odata.nextLink": "https://graph.example.net/v1.0/servicePrincipals?$skiptoken=x" },
        });

        const error = await rejection(client().listAppRoleAssignments(SP));

        assert.ok(error instanceof GraphRequestError);
        assert.match(error.message, /@odata\.nextLink does not point to https:\/\/127\.0\.0\.1:\d+\/v1\.0\/, so the token is not sent there/);
    });

    it("refuses an answer not shaped as documented instead of reading it as empty", async () => {
        standIn.fail({ method: "GET", path: /\/federatedIdentityCredentials$/, status: 200, times: 1, body: { values: [] } });

        const error = await rejection(client().listFederatedIdentityCredentials(APP));

        assert.match(
            error.message,
            /is not what https:\/\/learn\.microsoft\.com\/graph\/api\/application-list-federatedidentitycredentials\?view=graph-rest-1\.0 documents: value:/,
        );
    });

    it("treats 404 as gone: a read answers undefined, a removal 'already gone'", async () => {
        const gone = randomUUID();
        const c = client();
        assert.equal(await c.getApplication(gone), undefined);
        assert.equal(await c.listServicePrincipalOwners(gone), undefined);
        assert.equal(await c.deleteAppRoleAssignment(SP, "no-such-assignment"), "already gone");
        assert.equal(await c.removeApplicationOwner(APP, randomUUID()), "already gone");
        assert.equal(await c.replaceServicePrincipalKeyCredentials(gone, []), "already gone");
    });

    it("waits as long as Retry-After asks on 429 and 503, then succeeds", async () => {
        standIn.fail({ method: "GET", path: /^\/applications\//, status: 429, headers: { "Retry-After": "0.3" }, times: 1 });
        standIn.fail({ method: "GET", path: /^\/applications\//, status: 503, headers: { "Retry-After": "0.3" }, times: 1 });

        assert.equal((await client().getApplication(APP))?.id, APP);

        const attempts = standIn.requestsTo("GET");
        assert.deepEqual(
            attempts.map((a) => a.status),
            [429, 503, 200],
        );
        for (let i = 1; i < attempts.length; i++) {
            assert.ok(
                attempts[i].receivedAt - attempts[i - 1].receivedAt >= 280,
                `attempt ${i + 1} came ${attempts[i].receivedAt - attempts[i - 1].receivedAt} ms after the one before`,
            );
        }
    });

    it("gives up on a 429 storm after the bounded retries, saying so", async () => {
        standIn.fail({ method: "DELETE", status: 429, headers: { "Retry-After": "0" }, times: 100 });

        const error = await rejection(client({ retry: { maxRetries: 3 } }).deleteOAuth2PermissionGrant("grant-1"));

        assert.ok(error instanceof GraphThrottledError);
        assert.equal(standIn.requestsTo("DELETE").length, 4, "the first attempt and 3 retries");
        assert.match(error.message, /still throttled the request to delete a delegated permission grant \(delegated permission grant grant-1\) after 3 retries/);
        assert.match(error.message, /429 TooManyRequests "Please retry again later\."/);
        assert.match(error.message, /request-id [0-9a-f-]{36}/);
    });

    it("fails at once when Retry-After asks for longer than the client waits", async () => {
        standIn.fail({ method: "GET", status: 429, headers: { "Retry-After": "120" }, times: 1 });

        const error = await rejection(client().getServicePrincipal(SP));

        assert.ok(error instanceof GraphThrottledError);
        assert.equal(standIn.requests.length, 1);
        assert.match(error.message, /asked to wait 120 s .* longer than the 60 s this client waits/);
    });

    it("names the permission a 403 lacks, and the object", async () => {
        const cases: [() => Promise<unknown>, RegExp][] = [
            [
                () => c.deleteAppRoleAssignment(SP, "assignment-1"),
                /delete an app role assignment held by the service principal \(service principal 2222.*\).*needs the application permission AppRoleAssignment\.ReadWrite\.All; see https:\/\/learn\.microsoft\.com\/graph\/api\/serviceprincipal-delete-approleassignments/,
            ],
            [() => c.deleteOAuth2PermissionGrant("grant-1"), /needs the application permission DelegatedPermissionGrant\.ReadWrite\.All;/],
            [() => c.listOAuth2PermissionGrants(SP), /needs the application permission DelegatedPermissionGrant\.ReadWrite\.All;/],
            [
                () => c.replaceApplicationKeyCredentials(APP, []),
                /replace the application's key credentials \(application 1111.*\).*needs the application permission Application\.ReadWrite\.OwnedBy, and must be an owner of application 1111[^ ]* \(Application\.ReadWrite\.OwnedBy reaches only what the identity owns\)/,
            ],
            [() => c.removeServicePrincipalOwner(SP, randomUUID()), /Application\.ReadWrite\.OwnedBy, and must be an owner of service principal 2222/],
        ];
        const c = client();
        for (const [call, expected] of cases) {
            standIn.fail({ status: 403, times: 1 });
            const error = await rejection(call());
            assert.ok(error instanceof GraphPermissionError);
            assert.equal(error.status, 403);
            assert.match(error.message, /403 Authorization_RequestDenied "Insufficient privileges to complete the operation\."/);
            assert.match(error.message, expected);
        }
    });

    it("says a 401 is the credential's problem, without showing the token", async () => {
        const error = await rejection(client({ credential: standIn.refusedCredential() }).getApplication(APP));

        assert.ok(error instanceof GraphAuthenticationError);
        assert.match(error.message, /refused the deploying identity's access token when asked to read the application's credentials .*401 InvalidAuthenticationToken/);
        assert.match(error.message, /Sign in again \(az login/);
        assert.equal(standIn.requests[0].bearer, "invalid");
        assert.equal(standIn.leaksToken(error.message), false);
    });

    it("says when no token could be had at all, and sends nothing", async () => {
        const noSignIn = { getToken: async () => Promise.reject(new CredentialUnavailableError("AzureCliCredential: Please run 'az login' to set up an account")) };

        const error = await rejection(client({ credential: noSignIn }).getApplication(APP));

        assert.ok(error instanceof GraphAuthenticationError);
        assert.match(error.message, /No Microsoft Graph token could be had for the deploying identity to read the application's credentials .*Please run 'az login'/);
        assert.equal(standIn.requests.length, 0);
    });

    it("times out an attempt that gets no answer", async () => {
        standIn.fail({ method: "GET", hang: true, times: 1 });
        const started = Date.now();

        const error = await rejection(client({ requestTimeoutMs: 300 }).getApplication(APP));

        assert.ok(error instanceof GraphTimeoutError);
        assert.match(error.message, /did not answer within 0\.3 s when asked to read the application's credentials/);
        assert.ok(Date.now() - started < 5_000);
    });

    it("checks Graph's certificate: without the agent that trusts the test CA, nothing is sent", async () => {
        const error = await rejection(client({ agent: undefined }).getApplication(APP));

        assert.ok(error instanceof GraphRequestError);
        assert.match(error.message, /could not be reached to read the application's credentials .*certificate/i);
        assert.equal(standIn.requests.length, 0);
    });

    it("has at most 8 requests in flight in the process, however many clients ask at once", async () => {
        const slow = await GraphStandIn.start({ latencyMs: 40 });
        const slowAgent = slow.agent();
        try {
            slow.tenant.applications.set(APP, { keyCredentials: [], passwordCredentials: [], federatedIdentityCredentials: [], owners: [] });
            // Two clients given no limiter of their own: they share the process's.
            const clients = [0, 1].map(() => new GraphClient({ endpoints: { graph: slow.origin }, credential: slow.credential(), agent: slowAgent }));
            await Promise.all(Array.from({ length: 30 }, (_, i) => clients[i % 2].getApplication(APP)));
            assert.equal(slow.requests.length, 30);
            assert.equal(slow.maxInFlight, 8);
            assert.equal(processGraphLimiter().inFlight, 0);
        } finally {
            slowAgent.destroy();
            await slow.close();
        }
    });
});
