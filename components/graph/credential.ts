import { AzureCliCredential, ChainedTokenCredential, EnvironmentCredential, type TokenCredential, WorkloadIdentityCredential } from "@azure/identity";
import { GraphEndpoints } from "./endpoints";

// The sweep must act as the identity that deploys the stack: that identity owns the application and
// service principal, and Application.ReadWrite.OwnedBy lets it change nothing else. So the chain
// tries exactly the ways a deploy signs in, in the order the azuread provider does, and nothing that
// could pick up another identity on the machine:
//   - a service principal from AZURE_CLIENT_ID/AZURE_TENANT_ID and AZURE_CLIENT_SECRET or
//     AZURE_CLIENT_CERTIFICATE_PATH (EnvironmentCredential);
//   - workload identity federation from AZURE_FEDERATED_TOKEN_FILE (Kubernetes, or any runner that
//     writes its OIDC token to a file);
//   - the Azure CLI: `az login` at a desk, and in GitHub Actions the `azure/login` step, which signs
//     in with the workflow's OIDC token, so no secret is stored.
// DefaultAzureCredential is not used: it also tries managed identity (probing the instance metadata
// endpoint off Azure) and developer tools whose signed-in account need not be the deploying one.

/** Which of the chain's sources the environment enables, in the order they are tried. */
export type CredentialSource = "environment" | "workloadIdentity" | "azureCli";

/**
 * The sources to try. Workload identity is left out unless its token file, client and tenant are
 * all named: its constructor refuses to start without them, where the others report themselves
 * unavailable when asked for a token.
 */
export function credentialSources(env: Readonly<Record<string, string | undefined>>): CredentialSource[] {
    const workloadIdentity = Boolean(env.AZURE_FEDERATED_TOKEN_FILE && env.AZURE_CLIENT_ID && env.AZURE_TENANT_ID);
    return ["environment", ...(workloadIdentity ? (["workloadIdentity"] as const) : []), "azureCli"];
}

/**
 * The deploying identity's credential in the cloud whose authority `endpoints` names (for Graph, or
 * for Key Vault, whose client asks for its own scope). `env` chooses the sources and configures
 * workload identity and the CLI's tenant; EnvironmentCredential reads the process environment
 * itself, as it always does.
 */
export function deployingIdentityCredential(endpoints: Pick<GraphEndpoints, "authorityHost">, env: Readonly<Record<string, string | undefined>> = process.env): TokenCredential {
    const authority = endpoints.authorityHost === undefined ? {} : { authorityHost: endpoints.authorityHost };
    const tenantId = env.AZURE_TENANT_ID || undefined;
    const credentials = credentialSources(env).map((source): TokenCredential => {
        switch (source) {
            case "environment":
                return new EnvironmentCredential(authority);
            case "workloadIdentity":
                return new WorkloadIdentityCredential({ ...authority, tenantId, clientId: env.AZURE_CLIENT_ID, tokenFilePath: env.AZURE_FEDERATED_TOKEN_FILE });
            case "azureCli":
                // The CLI follows its own `az cloud set`; the tenant pins which signed-in tenant answers.
                return new AzureCliCredential({ tenantId });
        }
    });
    return new ChainedTokenCredential(...credentials);
}
