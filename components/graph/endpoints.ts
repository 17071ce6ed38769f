import { ValidationError } from "../errors";

// Microsoft Graph and the Microsoft Entra authority have one host per cloud: a tenant in the US
// Government cloud is reached at https://graph.microsoft.us with tokens from
// https://login.microsoftonline.us, and a token minted for one cloud's Graph is refused by another's
// (https://learn.microsoft.com/graph/deployments). Both hosts are therefore settings, read from the
// environment of the deploy, like the Azure SDKs' own AZURE_AUTHORITY_HOST.

/** Names the Microsoft Graph host of the tenant's cloud, e.g. `https://graph.microsoft.us`. */
export const GRAPH_ENDPOINT_VARIABLE = "VENDOR_CONNECTIONS_GRAPH_ENDPOINT";
/** Names the Microsoft Entra authority host, as @azure/identity reads it, e.g. `https://login.microsoftonline.us`. */
export const AUTHORITY_HOST_VARIABLE = "AZURE_AUTHORITY_HOST";
/** Microsoft Graph in the global cloud. */
export const DEFAULT_GRAPH_ENDPOINT = "https://graph.microsoft.com";

export interface GraphEndpoints {
    /** Origin of Microsoft Graph (scheme, host, optional port; no path), without a trailing slash. */
    readonly graph: string;
    /** Origin of the Microsoft Entra authority, or undefined for @azure/identity's default (the global cloud). */
    readonly authorityHost?: string;
}

/**
 * The Graph and authority hosts from the environment. Both must be bare https origins: the deploying
 * identity's token travels to the first and its sign-in to the second, so plain http would expose
 * them, and a path (such as `/v1.0`) would be doubled by the client, which adds the version itself.
 * Throws a ValidationError naming each variable that is wrong.
 */
export function resolveGraphEndpoints(env: Readonly<Record<string, string | undefined>> = process.env): GraphEndpoints {
    const issues: { path: string; message: string }[] = [];
    const graph = checkOrigin(env[GRAPH_ENDPOINT_VARIABLE], GRAPH_ENDPOINT_VARIABLE, "https://graph.microsoft.us", issues) ?? DEFAULT_GRAPH_ENDPOINT;
    const authorityHost = checkOrigin(env[AUTHORITY_HOST_VARIABLE], AUTHORITY_HOST_VARIABLE, "https://login.microsoftonline.us", issues);
    if (issues.length > 0) {
        throw new ValidationError(issues);
    }
    return authorityHost === undefined ? { graph } : { graph, authorityHost };
}

/**
 * The Microsoft Entra authority host alone, for a client of another service of the same cloud (Key
 * Vault's): undefined for @azure/identity's default, the global cloud. Throws a ValidationError
 * naming AZURE_AUTHORITY_HOST when it is set and wrong.
 */
export function resolveAuthorityHost(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
    const issues: { path: string; message: string }[] = [];
    const authorityHost = checkOrigin(env[AUTHORITY_HOST_VARIABLE], AUTHORITY_HOST_VARIABLE, "https://login.microsoftonline.us", issues);
    if (issues.length > 0) {
        throw new ValidationError(issues);
    }
    return authorityHost;
}

/** The token scope for Graph in that cloud: its origin's `.default` (all the app permissions granted). */
export function graphScope(endpoints: GraphEndpoints): string {
    return `${endpoints.graph}/.default`;
}

// Unset and empty mean "the default"; anything else must be an https origin.
function checkOrigin(value: string | undefined, variable: string, example: string, issues: { path: string; message: string }[]): string | undefined {
    if (value === undefined || value.trim() === "") {
        return undefined;
    }
    let url: URL | undefined;
    try {
        url = new URL(value.trim());
    } catch {
        url = undefined;
    }
    const problem =
        url === undefined
            ? "is not a URL"
            : url.protocol !== "https:"
              ? "is not https: the deploying identity's credentials travel to this host, so plain http would expose them"
              : url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== ""
                ? "has user info, a query or a fragment; give the host alone"
                : url.pathname !== "/"
                  ? `has a path (${JSON.stringify(url.pathname)}); give the host alone, the client adds the API version`
                  : undefined;
    if (problem !== undefined) {
        // Echo the value only when it cannot carry a secret (no user info or query).
        const shown = url && (url.username !== "" || url.password !== "" || url.search !== "") ? "the value given" : JSON.stringify(value);
        issues.push({ path: variable, message: `${shown} ${problem}. Use e.g. ${example}, or leave it unset for the global cloud.` });
        return undefined;
    }
    return url!.origin;
}
