// Microsoft Graph throttles per app and per tenant, and recommends a bounded number of concurrent
// requests rather than bursts (https://learn.microsoft.com/graph/throttling). A deploy may sweep many
// vendor connections at once, from several resources in one process: one limiter for the whole
// process keeps their sum bounded, not each connection's share.

import { ConcurrencyLimiter, processLimiter } from "../http/limiter";

export { ConcurrencyLimiter };

/** The most Graph requests this process has on the wire at once. */
export const MAX_GRAPH_REQUESTS_IN_FLIGHT = 8;

/** The limiter every Graph client in this process shares unless given its own. */
export function processGraphLimiter(): ConcurrencyLimiter {
    return processLimiter("graph", MAX_GRAPH_REQUESTS_IN_FLIGHT);
}
