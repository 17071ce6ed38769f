import type { Agent as HttpsAgent } from "node:https";
import {
    bearerTokenAuthenticationPolicy,
    createPipelineFromOptions,
    type PipelinePolicy,
    type PipelineRequest,
    type PipelineResponse,
    type Pipeline,
} from "@azure/core-rest-pipeline";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { ConcurrencyLimiter } from "../http/limiter";
import { AttemptTimedOutError, attemptTimeoutPolicy, requestLimitPolicy } from "../http/attemptPolicies";

export { AttemptTimedOutError };

// The HTTP stack is the Azure SDK's own pipeline (@azure/core-rest-pipeline), the one every Azure
// client library for JavaScript runs on, so retries, token caching and TLS are its well-tried code:
//   - defaultRetryPolicy: 429 and 503 are retried after the wait their Retry-After (or
//     retry-after-ms) header asks for; other 5xx, 408 and connection resets with exponential
//     backoff; at most `maxRetries` times, after which the last answer comes back and the client
//     turns it into a clear error;
//   - bearerTokenAuthenticationPolicy: a cached token, refreshed before it expires, sent only over
//     https (the policy refuses anything else);
// Four small policies of our own sit around it:
//   - the process-wide concurrency limit, taken per attempt right before the wire, so that a
//     request waiting out a Retry-After holds no slot;
//   - a timeout per attempt, from the moment it has a slot until its whole answer is read. It is
//     an AbortSignal rather than PipelineRequest.timeout: the SDK's own timer is not cleared when a
//     request fails to connect (TLS refused, connection reset), and keeps the process alive for the
//     full timeout after the error was reported;
//   - a ceiling on Retry-After, since the SDK waits as long as it is asked: a deploy fails clearly
//     instead of sleeping for minutes;
//   - an attempt count per request, for the error after the last retry.
// Redirects are not followed: no Graph call here answers with one, and a followed redirect would
// carry the bearer token to wherever it points.

export interface GraphRetryOptions {
    /** Retries after the first attempt. Default 5. */
    readonly maxRetries: number;
    /** First exponential backoff delay (5xx without Retry-After, connection resets). Default 1 s. */
    readonly retryDelayInMs: number;
    /** Longest exponential backoff delay. Default 30 s. */
    readonly maxRetryDelayInMs: number;
    /** Longest Retry-After this client waits; a longer one fails the call at once. Default 60 s. */
    readonly maxRetryAfterMs: number;
}

export const DEFAULT_GRAPH_RETRY: GraphRetryOptions = { maxRetries: 5, retryDelayInMs: 1_000, maxRetryDelayInMs: 30_000, maxRetryAfterMs: 60_000 };

export interface GraphPipelineOptions {
    readonly credential: TokenCredential;
    /** How long one attempt may take once it is on the wire, answer included. */
    readonly attemptTimeoutMs: number;
    readonly scope: string;
    readonly retry: GraphRetryOptions;
    readonly limiter: ConcurrencyLimiter;
    /**
     * The https.Agent to connect with. Default: Node's, which trusts the system's roots. Give one
     * whose `ca` holds a private root when Graph is reached through a TLS-inspecting proxy, or for a
     * test server; certificate checks stay on either way.
     */
    readonly agent?: HttpsAgent;
}

/** A pipeline for Graph, and how many times it has sent a given request so far. */
export interface GraphPipeline {
    readonly pipeline: Pipeline;
    attemptsOf(request: PipelineRequest): number;
}

/** Thrown by the credential wrapper: the token, not the request, failed. */
export class TokenUnavailableError extends Error {
    constructor(readonly reason: unknown) {
        super(reason instanceof Error ? reason.message : String(reason));
        this.name = "TokenUnavailableError";
    }
}

/** Thrown when Graph asks for a longer wait than `maxRetryAfterMs`; not a RestError, so the retry policy lets it through. */
export class RetryAfterTooLongError extends Error {
    constructor(
        readonly status: number,
        readonly retryAfterMs: number,
    ) {
        super(`Retry-After of ${retryAfterMs} ms`);
        this.name = "RetryAfterTooLongError";
    }
}

export function createGraphPipeline(options: GraphPipelineOptions): GraphPipeline {
    const { retry } = options;
    const pipeline = createPipelineFromOptions({
        retryOptions: { maxRetries: retry.maxRetries, retryDelayInMs: retry.retryDelayInMs, maxRetryDelayInMs: retry.maxRetryDelayInMs },
        redirectOptions: { maxRetries: 0 },
        userAgentOptions: { userAgentPrefix: "vendor-connections" },
        // The pipeline's Agent type is structural; Node's https.Agent is one.
        ...(options.agent ? { agent: options.agent } : {}),
    });
    pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: reportingTokenFailures(options.credential), scopes: options.scope }), { phase: "Sign" });

    const attempts = new WeakMap<PipelineRequest, number>();
    pipeline.addPolicy(perAttempt(attempts, retry.maxRetryAfterMs), { afterPhase: "Retry" });
    // Added in this order, both after Sign: the timeout starts once the limiter gave a slot.
    pipeline.addPolicy(requestLimitPolicy(options.limiter), { afterPhase: "Sign" });
    pipeline.addPolicy(attemptTimeoutPolicy(options.attemptTimeoutMs), { afterPhase: "Sign" });
    return { pipeline, attemptsOf: (request) => attempts.get(request) ?? 0 };
}

function perAttempt(attempts: WeakMap<PipelineRequest, number>, maxRetryAfterMs: number): PipelinePolicy {
    return {
        name: "vendorConnectionsAttempt",
        async sendRequest(request, next) {
            attempts.set(request, (attempts.get(request) ?? 0) + 1);
            const response = await next(request);
            const wait = retryAfterMs(response);
            if (wait !== undefined && wait > maxRetryAfterMs) {
                throw new RetryAfterTooLongError(response.status, wait);
            }
            return response;
        },
    };
}

/**
 * How long a 429 or 503 asks to wait, read as the SDK's throttling strategy reads it: the
 * millisecond headers first, then Retry-After in seconds or as an HTTP date
 * (https://www.rfc-editor.org/rfc/rfc9110#field.retry-after).
 */
export function retryAfterMs(response: Pick<PipelineResponse, "status" | "headers">): number | undefined {
    if (response.status !== 429 && response.status !== 503) {
        return undefined;
    }
    for (const header of ["retry-after-ms", "x-ms-retry-after-ms"]) {
        const value = Number(response.headers.get(header));
        if (response.headers.get(header) && Number.isFinite(value)) {
            return value;
        }
    }
    const retryAfter = response.headers.get("retry-after");
    if (!retryAfter) {
        return undefined;
    }
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) {
        return seconds * 1000;
    }
    const date = Date.parse(retryAfter);
    return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function reportingTokenFailures(credential: TokenCredential): TokenCredential {
    return {
        async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
            try {
                return await credential.getToken(scopes, options);
            } catch (err) {
                throw new TokenUnavailableError(err);
            }
        },
    };
}
