import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import type { ConcurrencyLimiter } from "./limiter";

// Two policies every Azure SDK pipeline of this package adds around each attempt (the Graph
// client's, components/graph/pipeline.ts, which says why; the Key Vault keys client's): a slot of
// the process's limiter while the attempt is on the wire, and a timeout per attempt.

/** Thrown when an attempt got no whole answer within its timeout; not a RestError, so it is not retried. */
export class AttemptTimedOutError extends Error {
    constructor(readonly timeoutMs: number) {
        super(`no answer within ${timeoutMs} ms`);
        this.name = "AttemptTimedOutError";
    }
}

/** Holds a slot of `limiter` for each attempt on the wire. */
export function requestLimitPolicy(limiter: ConcurrencyLimiter): PipelinePolicy {
    return { name: "vendorConnectionsRequestLimit", sendRequest: (request, next) => limiter.run(() => next(request)) };
}

/** Fails an attempt with AttemptTimedOutError when its whole answer takes longer than `timeoutMs`. */
export function attemptTimeoutPolicy(timeoutMs: number): PipelinePolicy {
    return {
        name: "vendorConnectionsAttemptTimeout",
        async sendRequest(request, next) {
            const caller = request.abortSignal;
            const timeout = AbortSignal.timeout(timeoutMs);
            // The SDK's wrapAbortSignalLikePolicy, earlier in the pipeline, made any caller's signal a real AbortSignal.
            request.abortSignal = caller ? AbortSignal.any([caller as AbortSignal, timeout]) : timeout;
            try {
                return await next(request);
            } catch (err) {
                throw timeout.aborted && !caller?.aborted ? new AttemptTimedOutError(timeoutMs) : err;
            } finally {
                request.abortSignal = caller;
            }
        },
    };
}
