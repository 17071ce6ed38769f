import * as assert from "node:assert/strict";
import { credentialSources, deployingIdentityCredential } from "../../components/graph";

describe("the deploying identity's credential chain", () => {
    it("tries an environment service principal, then workload identity when a token file is named, then the Azure CLI", () => {
        assert.deepEqual(credentialSources({}), ["environment", "azureCli"]);
        const federated = {
            AZURE_FEDERATED_TOKEN_FILE: "/var/run/secrets/azure/tokens/azure-identity-token",
            AZURE_CLIENT_ID: "00000000-0000-4000-a000-000000000001",
            AZURE_TENANT_ID: "00000000-0000-4000-a000-000000000002",
        };
        assert.deepEqual(credentialSources({ AZURE_FEDERATED_TOKEN_FILE: federated.AZURE_FEDERATED_TOKEN_FILE }), ["environment", "azureCli"], "a token file alone is not enough");
        assert.deepEqual(credentialSources(federated), ["environment", "workloadIdentity", "azureCli"]);
    });

    it("builds without signing in, for the global cloud or another authority", () => {
        // Construction contacts nothing: a token is asked for only when a service is first called.
        assert.equal(typeof deployingIdentityCredential({}, {}).getToken, "function");
        const env = { AZURE_FEDERATED_TOKEN_FILE: "/tmp/token", AZURE_CLIENT_ID: "00000000-0000-4000-a000-000000000001", AZURE_TENANT_ID: "00000000-0000-4000-a000-000000000002" };
        const credential = deployingIdentityCredential({ authorityHost: "https://login.microsoftonline.us" }, env);
        assert.equal(typeof credential.getToken, "function");
    });
});
