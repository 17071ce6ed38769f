import * as assert from "node:assert/strict";
import { ValidationError } from "../../components/errors";
import { AUTHORITY_HOST_VARIABLE, DEFAULT_GRAPH_ENDPOINT, GRAPH_ENDPOINT_VARIABLE, graphScope, resolveAuthorityHost, resolveGraphEndpoints } from "../../components/graph";

function refusal(env: Record<string, string>): ValidationError {
    try {
        resolveGraphEndpoints(env);
    } catch (err) {
        assert.ok(err instanceof ValidationError);
        return err;
    }
    assert.fail("the environment was accepted");
}

describe("Graph endpoints from the environment", () => {
    it("default to the global cloud's Graph and leave the authority to @azure/identity", () => {
        assert.deepEqual(resolveGraphEndpoints({}), { graph: DEFAULT_GRAPH_ENDPOINT });
        assert.deepEqual(resolveGraphEndpoints({ [GRAPH_ENDPOINT_VARIABLE]: "", [AUTHORITY_HOST_VARIABLE]: " " }), { graph: DEFAULT_GRAPH_ENDPOINT });
    });

    it("follow a national cloud: its Graph host, its authority, and a token scope for that Graph", () => {
        const endpoints = resolveGraphEndpoints({ [GRAPH_ENDPOINT_VARIABLE]: "https://graph.microsoft.us/", [AUTHORITY_HOST_VARIABLE]: "https://login.microsoftonline.us" });
        assert.deepEqual(endpoints, { graph: "https://graph.microsoft.us", authorityHost: "https://login.microsoftonline.us" });
        assert.equal(graphScope(endpoints), "https://graph.microsoft.us/.default");
    });

    it("give the authority host alone to a client of another service, refusing it as the Graph client does", () => {
        assert.equal(resolveAuthorityHost({}), undefined);
        assert.equal(
            resolveAuthorityHost({ [AUTHORITY_HOST_VARIABLE]: "https://login.microsoftonline.us/", [GRAPH_ENDPOINT_VARIABLE]: "not a URL" }),
            "https://login.microsoftonline.us",
        );
        assert.throws(() => resolveAuthorityHost({ [AUTHORITY_HOST_VARIABLE]: "http://login.microsoftonline.us" }), /^ValidationError: AZURE_AUTHORITY_HOST: .* is not https/);
    });

    it("refuse plain http, naming the variable and why", () => {
        const error = refusal({ [GRAPH_ENDPOINT_VARIABLE]: "http://graph.microsoft.us" });
        assert.deepEqual(
            error.issues.map((i) => i.path),
            [GRAPH_ENDPOINT_VARIABLE],
        );
        assert.match(error.message, /^VENDOR_CONNECTIONS_GRAPH_ENDPOINT: "http:\/\/graph\.microsoft\.us" is not https: .*credentials travel to this host/);
    });

    it("refuse a path, since the client adds the API version itself", () => {
        assert.match(refusal({ [GRAPH_ENDPOINT_VARIABLE]: "https://graph.microsoft.us/v1.0" }).message, /has a path \("\/v1\.0"\); give the host alone/);
    });

    it("report both variables at once, and never echo a value that may carry a secret", () => {
        const error = refusal({ [GRAPH_ENDPOINT_VARIABLE]: "https://user:pass@graph.example?code=abc", [AUTHORITY_HOST_VARIABLE]: "login.microsoftonline.us" });
        assert.deepEqual(
            error.issues.map((i) => i.path),
            [GRAPH_ENDPOINT_VARIABLE, AUTHORITY_HOST_VARIABLE],
        );
        assert.doesNotMatch(error.message, /pass|code=abc/);
        assert.match(error.issues[0].message, /^the value given has user info, a query or a fragment/);
        assert.match(error.issues[1].message, /^"login\.microsoftonline\.us" is not a URL/);
    });
});
