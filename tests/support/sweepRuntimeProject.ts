import type { Agent } from "node:https";
import { ConcurrencyLimiter } from "../../components/http/limiter";
import { GRAPH_OPTIONS_GLOBAL } from "../../components/sweep/providerRuntime";
import type { GraphStandIn } from "./graphStandIn";
import { RuntimeProject, hostIn, runtimeProject } from "./runtimeProject";

// The sweep's view of a consumer's project (runtimeProject.ts): where its runtime is installed, and
// how its provider is pointed at the stand-in Graph there.

export type SweepRuntimeProject = RuntimeProject;

export const sweepRuntimeProject = runtimeProject;

/**
 * Runs the sweep's provider, in this process, as the host would in `project` against the stand-in
 * Graph: the working directory becomes the project's, and the runtime's Graph client options global
 * points at the stand-in (its origin, its token, an agent trusting its CA). Returns the undo.
 */
export function hostSweepsIn(project: SweepRuntimeProject, standIn: GraphStandIn, agent: Agent): () => void {
    return hostIn(project, {
        [GRAPH_OPTIONS_GLOBAL]: { endpoints: { graph: standIn.origin }, credential: standIn.credential(), agent, limiter: new ConcurrencyLimiter(8), retry: { maxRetries: 1 } },
    });
}
