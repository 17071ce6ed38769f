import type { Agent as HttpsAgent } from "node:https";
import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest, type HttpClient, type HttpMethods, type PipelineResponse } from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/identity";
import { z } from "zod";
import { deployingIdentityCredential } from "./credential";
import { GraphEndpoints, graphScope, resolveGraphEndpoints } from "./endpoints";
import { GraphCall, GraphErrorDetail, noToken, permissionDenied, refused, stillThrottled, timedOut, tokenRefused, unexpectedAnswer, unreachable, waitTooLong } from "./errors";
import { ConcurrencyLimiter, processGraphLimiter } from "./limiter";
import { GraphOperationName } from "./operations";
import { AttemptTimedOutError, DEFAULT_GRAPH_RETRY, GraphPipeline, GraphRetryOptions, RetryAfterTooLongError, TokenUnavailableError, createGraphPipeline } from "./pipeline";
import {
    GraphAppRoleAssignment,
    GraphApplicationCredentials,
    GraphDirectoryObject,
    GraphFederatedIdentityCredential,
    GraphKeyCredential,
    GraphOAuth2PermissionGrant,
    GraphServicePrincipalCredentials,
    appRoleAssignmentSchema,
    applicationCredentialsSchema,
    collectionPageSchema,
    directoryObjectSchema,
    federatedIdentityCredentialSchema,
    oauth2PermissionGrantSchema,
    servicePrincipalCredentialsSchema,
} from "./resources";

export interface GraphClientOptions {
    /** Default: from VENDOR_CONNECTIONS_GRAPH_ENDPOINT and AZURE_AUTHORITY_HOST. */
    readonly endpoints?: GraphEndpoints;
    /** Default: the deploying identity's credential chain (credential.ts). Tests pass a stand-in. */
    readonly credential?: TokenCredential;
    readonly retry?: Partial<GraphRetryOptions>;
    /** How long one attempt may take on the wire, its whole answer included. Default 30 s. */
    readonly requestTimeoutMs?: number;
    /** See GraphPipelineOptions.agent: for a private root of trust; certificate checks stay on. */
    readonly agent?: HttpsAgent;
    /** Default: the one limiter of this process (at most 8 requests in flight). */
    readonly limiter?: ConcurrencyLimiter;
    /** Most pages one listing follows before it is refused as endless. Default 1000. */
    readonly maxPages?: number;
}

/** What a removal found: it removed the item, or the item (or its object) was gone already (404). */
export type RemovalOutcome = "removed" | "already gone";

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

// Object ids are GUIDs; checking them keeps a malformed id out of paths and OData filters.
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Microsoft Graph v1.0 calls a sweep makes, over the Azure SDK pipeline (pipeline.ts). Reads
 * return undefined when the object is gone (404); removals report "already gone" for a 404. Every
 * other failure is a GraphError saying what to fix (errors.ts).
 */
export class GraphClient {
    readonly endpoints: GraphEndpoints;
    private readonly base: string;
    private readonly graph: GraphPipeline;
    private readonly httpClient: HttpClient;
    private readonly timeoutMs: number;
    private readonly maxPages: number;
    private readonly maxRetryAfterMs: number;

    constructor(options: GraphClientOptions = {}) {
        this.endpoints = options.endpoints ?? resolveGraphEndpoints();
        this.base = `${this.endpoints.graph}/v1.0`;
        const retry = { ...DEFAULT_GRAPH_RETRY, ...options.retry };
        this.maxRetryAfterMs = retry.maxRetryAfterMs;
        this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
        this.graph = createGraphPipeline({
            attemptTimeoutMs: this.timeoutMs,
            credential: options.credential ?? deployingIdentityCredential(this.endpoints),
            scope: graphScope(this.endpoints),
            retry,
            limiter: options.limiter ?? processGraphLimiter(),
            agent: options.agent,
        });
        this.httpClient = createDefaultHttpClient();
        this.maxPages = options.maxPages ?? 1000;
    }

    /** GET /applications/{id}?$select=... (https://learn.microsoft.com/graph/api/application-get?view=graph-rest-1.0) */
    getApplication(applicationId: string): Promise<GraphApplicationCredentials | undefined> {
        const call = callOn("readApplication", "application", applicationId);
        return this.getObject(call, `/applications/${applicationId}?$select=id,keyCredentials,passwordCredentials`, applicationCredentialsSchema);
    }

    /** GET /servicePrincipals/{id}?$select=... (https://learn.microsoft.com/graph/api/serviceprincipal-get?view=graph-rest-1.0) */
    getServicePrincipal(servicePrincipalId: string): Promise<GraphServicePrincipalCredentials | undefined> {
        const call = callOn("readServicePrincipal", "service principal", servicePrincipalId);
        return this.getObject(call, `/servicePrincipals/${servicePrincipalId}?$select=id,accountEnabled,keyCredentials,passwordCredentials`, servicePrincipalCredentialsSchema);
    }

    /** GET /applications/{id}/federatedIdentityCredentials (https://learn.microsoft.com/graph/api/application-list-federatedidentitycredentials?view=graph-rest-1.0) */
    listFederatedIdentityCredentials(applicationId: string): Promise<GraphFederatedIdentityCredential[] | undefined> {
        const call = callOn("listFederatedIdentityCredentials", "application", applicationId);
        return this.listAll(call, `/applications/${applicationId}/federatedIdentityCredentials`, federatedIdentityCredentialSchema);
    }

    /** GET /servicePrincipals/{id}/appRoleAssignments (https://learn.microsoft.com/graph/api/serviceprincipal-list-approleassignments?view=graph-rest-1.0) */
    listAppRoleAssignments(servicePrincipalId: string): Promise<GraphAppRoleAssignment[] | undefined> {
        const call = callOn("listAppRoleAssignments", "service principal", servicePrincipalId);
        return this.listAll(call, `/servicePrincipals/${servicePrincipalId}/appRoleAssignments`, appRoleAssignmentSchema);
    }

    /**
     * GET /oauth2PermissionGrants?$filter=clientId eq '{id}': the delegated permission grants whose
     * client is this service principal. The reference notes that filtering on clientId also keeps
     * replication delays short (https://learn.microsoft.com/graph/api/oauth2permissiongrant-list?view=graph-rest-1.0).
     * Never "gone": the collection is the tenant's, so an empty list is the answer for a missing client.
     */
    async listOAuth2PermissionGrants(clientServicePrincipalId: string): Promise<GraphOAuth2PermissionGrant[]> {
        const call = callOn("listOAuth2PermissionGrants", "service principal", clientServicePrincipalId);
        const filter = encodeURIComponent(`clientId eq '${clientServicePrincipalId}'`);
        return (await this.listAll(call, `/oauth2PermissionGrants?$filter=${filter}`, oauth2PermissionGrantSchema)) ?? [];
    }

    /** GET /applications/{id}/owners (https://learn.microsoft.com/graph/api/application-list-owners?view=graph-rest-1.0) */
    listApplicationOwners(applicationId: string): Promise<GraphDirectoryObject[] | undefined> {
        const call = callOn("listApplicationOwners", "application", applicationId);
        return this.listAll(call, `/applications/${applicationId}/owners?$select=id`, directoryObjectSchema);
    }

    /** GET /servicePrincipals/{id}/owners (https://learn.microsoft.com/graph/api/serviceprincipal-list-owners?view=graph-rest-1.0) */
    listServicePrincipalOwners(servicePrincipalId: string): Promise<GraphDirectoryObject[] | undefined> {
        const call = callOn("listServicePrincipalOwners", "service principal", servicePrincipalId);
        return this.listAll(call, `/servicePrincipals/${servicePrincipalId}/owners?$select=id`, directoryObjectSchema);
    }

    /**
     * PATCH /applications/{id} with the whole `keyCredentials` list: Graph replaces the list, so the
     * credentials left out are removed. This is the one way to remove a certificate without proof
     * of possession of one (removeKey needs it: https://learn.microsoft.com/graph/api/application-removekey?view=graph-rest-1.0).
     * https://learn.microsoft.com/graph/api/application-update?view=graph-rest-1.0
     */
    replaceApplicationKeyCredentials(applicationId: string, keyCredentials: readonly GraphKeyCredential[]): Promise<RemovalOutcome> {
        const call = callOn("updateApplicationKeyCredentials", "application", applicationId);
        return this.remove(call, "PATCH", `/applications/${applicationId}`, { keyCredentials });
    }

    /** PATCH /servicePrincipals/{id} with the whole `keyCredentials` list (https://learn.microsoft.com/graph/api/serviceprincipal-update?view=graph-rest-1.0). */
    replaceServicePrincipalKeyCredentials(servicePrincipalId: string, keyCredentials: readonly GraphKeyCredential[]): Promise<RemovalOutcome> {
        const call = callOn("updateServicePrincipalKeyCredentials", "service principal", servicePrincipalId);
        return this.remove(call, "PATCH", `/servicePrincipals/${servicePrincipalId}`, { keyCredentials });
    }

    /** POST /applications/{id}/removePassword (https://learn.microsoft.com/graph/api/application-removepassword?view=graph-rest-1.0) */
    removeApplicationPassword(applicationId: string, keyId: string): Promise<RemovalOutcome> {
        const call = callOn("removeApplicationPassword", "application", applicationId);
        return this.remove(call, "POST", `/applications/${applicationId}/removePassword`, { keyId: guid(keyId, "keyId") });
    }

    /** POST /servicePrincipals/{id}/removePassword (https://learn.microsoft.com/graph/api/serviceprincipal-removepassword?view=graph-rest-1.0) */
    removeServicePrincipalPassword(servicePrincipalId: string, keyId: string): Promise<RemovalOutcome> {
        const call = callOn("removeServicePrincipalPassword", "service principal", servicePrincipalId);
        return this.remove(call, "POST", `/servicePrincipals/${servicePrincipalId}/removePassword`, { keyId: guid(keyId, "keyId") });
    }

    /** DELETE /applications/{id}/federatedIdentityCredentials/{id} (https://learn.microsoft.com/graph/api/federatedidentitycredential-delete?view=graph-rest-1.0) */
    deleteFederatedIdentityCredential(applicationId: string, credentialId: string): Promise<RemovalOutcome> {
        const call = callOn("deleteFederatedIdentityCredential", "application", applicationId);
        return this.remove(call, "DELETE", `/applications/${applicationId}/federatedIdentityCredentials/${segment(credentialId)}`);
    }

    /** DELETE /servicePrincipals/{id}/appRoleAssignments/{id} (https://learn.microsoft.com/graph/api/serviceprincipal-delete-approleassignments?view=graph-rest-1.0) */
    deleteAppRoleAssignment(servicePrincipalId: string, assignmentId: string): Promise<RemovalOutcome> {
        const call = callOn("deleteAppRoleAssignment", "service principal", servicePrincipalId);
        return this.remove(call, "DELETE", `/servicePrincipals/${servicePrincipalId}/appRoleAssignments/${segment(assignmentId)}`);
    }

    /** DELETE /oauth2PermissionGrants/{id} (https://learn.microsoft.com/graph/api/oauth2permissiongrant-delete?view=graph-rest-1.0) */
    deleteOAuth2PermissionGrant(grantId: string): Promise<RemovalOutcome> {
        const call: GraphCall = { operation: "deleteOAuth2PermissionGrant", target: `delegated permission grant ${grantId}` };
        return this.remove(call, "DELETE", `/oauth2PermissionGrants/${segment(grantId)}`);
    }

    /**
     * DELETE /applications/{id}/owners/{id}/$ref: removes the ownership only. Without `/$ref` Graph
     * would delete the owner itself, a user or service principal
     * (https://learn.microsoft.com/graph/api/application-delete-owners?view=graph-rest-1.0).
     */
    removeApplicationOwner(applicationId: string, ownerId: string): Promise<RemovalOutcome> {
        const call = callOn("removeApplicationOwner", "application", applicationId);
        return this.remove(call, "DELETE", `/applications/${applicationId}/owners/${guid(ownerId, "owner id")}/$ref`);
    }

    /** DELETE /servicePrincipals/{id}/owners/{id}/$ref (https://learn.microsoft.com/graph/api/serviceprincipal-delete-owners?view=graph-rest-1.0) */
    removeServicePrincipalOwner(servicePrincipalId: string, ownerId: string): Promise<RemovalOutcome> {
        const call = callOn("removeServicePrincipalOwner", "service principal", servicePrincipalId);
        return this.remove(call, "DELETE", `/servicePrincipals/${servicePrincipalId}/owners/${guid(ownerId, "owner id")}/$ref`);
    }

    private async getObject<T>(call: GraphCall, path: string, schema: z.ZodType<T>): Promise<T | undefined> {
        const answer = await this.send(call, "GET", `${this.base}${path}`);
        return answer.status === 404 ? undefined : this.shaped(call, schema, answer.body);
    }

    /** Every item of a collection, following `@odata.nextLink` page by page (https://learn.microsoft.com/graph/paging). */
    private async listAll<T>(call: GraphCall, path: string, schema: z.ZodType<T>): Promise<T[] | undefined> {
        const items: T[] = [];
        let url = `${this.base}${path}`;
        for (let page = 1; ; page += 1) {
            const answer = await this.send(call, "GET", url);
            if (answer.status === 404) {
                if (page === 1) {
                    return undefined;
                }
                throw unexpectedAnswer(call, `page ${page} of the listing is gone (404)`);
            }
            const { value, "@odata.nextLink": next } = this.shaped(call, collectionPageSchema, answer.body);
            items.push(...value.map((item) => this.shaped(call, schema, item)));
            if (next === undefined) {
                return items;
            }
            if (page >= this.maxPages) {
                throw unexpectedAnswer(call, `the listing goes on past ${this.maxPages} pages`);
            }
            url = this.checkedNextLink(call, next);
        }
    }

    private async remove(call: GraphCall, method: HttpMethods, path: string, body?: unknown): Promise<RemovalOutcome> {
        const answer = await this.send(call, method, `${this.base}${path}`, body);
        return answer.status === 404 ? "already gone" : "removed";
    }

    // The bearer token goes wherever a nextLink points: only to this Graph, under its version.
    private checkedNextLink(call: GraphCall, next: string): string {
        let url: URL | undefined;
        try {
            url = new URL(next);
        } catch {
            url = undefined;
        }
        if (url === undefined || url.origin !== this.endpoints.graph || !url.pathname.startsWith("/v1.0/")) {
            throw unexpectedAnswer(call, `its @odata.nextLink does not point to ${this.base}/, so the token is not sent there`);
        }
        return url.href;
    }

    private shaped<T>(call: GraphCall, schema: z.ZodType<T>, body: unknown): T {
        const parsed = schema.safeParse(body);
        if (!parsed.success) {
            const issue = parsed.error.issues[0];
            throw unexpectedAnswer(call, `${issue.path.length > 0 ? issue.path.join(".") : "the body"}: ${issue.message}`);
        }
        return parsed.data;
    }

    private async send(call: GraphCall, method: HttpMethods, url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
        const request = createPipelineRequest({
            url,
            method,
            headers: createHttpHeaders(body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" }),
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        let response: PipelineResponse;
        try {
            response = await this.graph.pipeline.sendRequest(this.httpClient, request);
        } catch (err) {
            throw this.failure(call, err);
        }
        const { status } = response;
        const parsed = parseJson(response.bodyAsText);
        if ((status >= 200 && status < 300) || status === 404) {
            return { status, body: parsed };
        }
        const detail = errorDetail(response, parsed);
        switch (status) {
            case 401:
                throw tokenRefused(call, detail);
            case 403:
                throw permissionDenied(call, detail);
            case 429:
            case 503:
                throw stillThrottled(call, detail, this.graph.attemptsOf(request) - 1);
            default:
                throw refused(call, detail);
        }
    }

    private failure(call: GraphCall, err: unknown): Error {
        if (err instanceof TokenUnavailableError) {
            return noToken(call, err.reason);
        }
        if (err instanceof RetryAfterTooLongError) {
            return waitTooLong(call, err.status, err.retryAfterMs, this.maxRetryAfterMs);
        }
        if (err instanceof AttemptTimedOutError) {
            return timedOut(call, err.timeoutMs);
        }
        return unreachable(call, err);
    }
}

function callOn(operation: GraphOperationName, kind: string, objectId: string): GraphCall {
    return { operation, target: `${kind} ${guid(objectId, `${kind} object id`)}` };
}

function guid(value: string, what: string): string {
    if (!GUID.test(value)) {
        throw new TypeError(`${what} ${JSON.stringify(value)} is not a GUID`);
    }
    return value.toLowerCase();
}

// Ids of assignments and grants are opaque strings (base64url); they go into one path segment.
function segment(id: string): string {
    if (id === "" || id === "." || id === "..") {
        throw new TypeError(`${JSON.stringify(id)} is not an id`);
    }
    return encodeURIComponent(id);
}

function parseJson(text: string | null | undefined): unknown {
    if (!text) {
        return undefined;
    }
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

const errorBodySchema = z.object({
    error: z.object({
        code: z.string().optional(),
        message: z.string().optional(),
        innerError: z.object({ "request-id": z.string().optional() }).optional(),
    }),
});

/** Graph's error body (https://learn.microsoft.com/graph/errors), or just the status when it has none. */
function errorDetail(response: PipelineResponse, body: unknown): GraphErrorDetail {
    const parsed = errorBodySchema.safeParse(body);
    const error = parsed.success ? parsed.data.error : undefined;
    return {
        status: response.status,
        code: error?.code,
        message: error?.message,
        requestId: error?.innerError?.["request-id"] ?? response.headers.get("request-id") ?? undefined,
    };
}
