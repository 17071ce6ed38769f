import { AUTHORITY_HOST_VARIABLE, GRAPH_ENDPOINT_VARIABLE } from "./endpoints";
import { GRAPH_OPERATIONS, GraphOperationName } from "./operations";

// What went wrong with a Graph call, said so that an operator knows what to fix. Messages carry
// Graph's error code and message and the request id (for a support case), never a token or a
// request body.

/** One Graph call: which operation, on which object (e.g. `application 5b1a...`). */
export interface GraphCall {
    readonly operation: GraphOperationName;
    readonly target: string;
}

/** Graph's error body (https://learn.microsoft.com/graph/errors), the parts a message uses. */
export interface GraphErrorDetail {
    readonly status: number;
    readonly code?: string;
    readonly message?: string;
    readonly requestId?: string;
}

export class GraphError extends Error {
    constructor(
        message: string,
        readonly call: GraphCall,
        readonly status?: number,
        readonly graphCode?: string,
    ) {
        super(message);
        this.name = new.target.name;
    }
}

/** 403: the deploying identity lacks a permission (or, under OwnedBy, ownership of the object). */
export class GraphPermissionError extends GraphError {}
/** 401, or no token could be had: the credential is the problem, not the permissions. */
export class GraphAuthenticationError extends GraphError {}
/** Still throttled after the bounded retries, or asked to wait longer than the client waits. */
export class GraphThrottledError extends GraphError {}
/** No answer within the request timeout. */
export class GraphTimeoutError extends GraphError {}
/** Any other refusal, a network failure, or an answer not shaped as the reference documents. */
export class GraphRequestError extends GraphError {}

export function permissionDenied(call: GraphCall, detail: GraphErrorDetail): GraphPermissionError {
    const op = GRAPH_OPERATIONS[call.operation];
    const ownership = op.needsOwnership ? `, and must be an owner of ${call.target} (${op.permission} reaches only what the identity owns)` : "";
    return new GraphPermissionError(
        `Microsoft Graph refused to ${op.does} (${call.target}): ${describe(detail)}. ` +
            `The deploying identity needs the application permission ${op.permission}${ownership}; see ${op.reference}.${requestId(detail)}`,
        call,
        detail.status,
        detail.code,
    );
}

export function tokenRefused(call: GraphCall, detail: GraphErrorDetail): GraphAuthenticationError {
    return new GraphAuthenticationError(
        `Microsoft Graph refused the deploying identity's access token when asked to ${GRAPH_OPERATIONS[call.operation].does} (${call.target}): ` +
            `${describe(detail)}. ${CREDENTIAL_ADVICE}${requestId(detail)}`,
        call,
        detail.status,
        detail.code,
    );
}

export function noToken(call: GraphCall, cause: unknown): GraphAuthenticationError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new GraphAuthenticationError(
        `No Microsoft Graph token could be had for the deploying identity to ${GRAPH_OPERATIONS[call.operation].does} (${call.target}): ${reason} ${CREDENTIAL_ADVICE}`,
        call,
    );
}

export function stillThrottled(call: GraphCall, detail: GraphErrorDetail, retries: number): GraphThrottledError {
    return new GraphThrottledError(
        `Microsoft Graph still throttled the request to ${GRAPH_OPERATIONS[call.operation].does} (${call.target}) after ${retries} ` +
            `${retries === 1 ? "retry" : "retries"}, each after the wait its Retry-After asked for: ${describe(detail)}. ` +
            `Nothing more was tried; run again later (https://learn.microsoft.com/graph/throttling).${requestId(detail)}`,
        call,
        detail.status,
        detail.code,
    );
}

export function waitTooLong(call: GraphCall, status: number, retryAfterMs: number, maxRetryAfterMs: number): GraphThrottledError {
    return new GraphThrottledError(
        `Microsoft Graph answered ${status} and asked to wait ${seconds(retryAfterMs)} before the request to ` +
            `${GRAPH_OPERATIONS[call.operation].does} (${call.target}) is tried again, longer than the ${seconds(maxRetryAfterMs)} this client waits. ` +
            `Nothing more was tried; run again later (https://learn.microsoft.com/graph/throttling).`,
        call,
        status,
    );
}

export function timedOut(call: GraphCall, timeoutMs: number): GraphTimeoutError {
    return new GraphTimeoutError(
        `Microsoft Graph did not answer within ${seconds(timeoutMs)} when asked to ${GRAPH_OPERATIONS[call.operation].does} (${call.target}); ` +
            `the request was not repeated. Every change a sweep makes can be made again, so it is safe to run again.`,
        call,
    );
}

export function refused(call: GraphCall, detail: GraphErrorDetail): GraphRequestError {
    return new GraphRequestError(
        `Microsoft Graph refused to ${GRAPH_OPERATIONS[call.operation].does} (${call.target}): ${describe(detail)}; see ${GRAPH_OPERATIONS[call.operation].reference}.${requestId(detail)}`,
        call,
        detail.status,
        detail.code,
    );
}

export function unreachable(call: GraphCall, cause: unknown): GraphRequestError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new GraphRequestError(`Microsoft Graph could not be reached to ${GRAPH_OPERATIONS[call.operation].does} (${call.target}): ${reason}`, call);
}

export function unexpectedAnswer(call: GraphCall, what: string): GraphRequestError {
    return new GraphRequestError(
        `Microsoft Graph's answer to the request to ${GRAPH_OPERATIONS[call.operation].does} (${call.target}) is not what ${GRAPH_OPERATIONS[call.operation].reference} documents: ${what}`,
        call,
    );
}

const CREDENTIAL_ADVICE =
    "The token comes from the first available of: a service principal in AZURE_CLIENT_ID/AZURE_TENANT_ID with AZURE_CLIENT_SECRET or " +
    "AZURE_CLIENT_CERTIFICATE_PATH, workload identity (AZURE_FEDERATED_TOKEN_FILE), then the Azure CLI. Sign in again (az login, or the " +
    "OIDC login step in CI) as the identity the stack deploys with, and check that " +
    `${AUTHORITY_HOST_VARIABLE} and ${GRAPH_ENDPOINT_VARIABLE} name the same cloud: a token for one cloud's Graph is refused by another's.`;

// Graph's own message is kept short: it explains the refusal, and nothing longer is needed.
function describe(detail: GraphErrorDetail): string {
    const message = detail.message && detail.message.length > 300 ? `${detail.message.slice(0, 300)}...` : detail.message;
    return [`${detail.status}`, detail.code, message ? `"${message}"` : undefined].filter((part) => part !== undefined).join(" ");
}

function requestId(detail: GraphErrorDetail): string {
    return detail.requestId ? ` (request-id ${detail.requestId})` : "";
}

function seconds(ms: number): string {
    return `${Math.round(ms / 100) / 10} s`;
}
