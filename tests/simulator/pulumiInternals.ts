import * as pulumi from "@pulumi/pulumi";
import type { RegisterResourceOutputsRequest, RegisterResourceRequest } from "@pulumi/pulumi/proto/resource_pb";

// The few @pulumi/pulumi 3.248 internals the simulator needs, typed here because the SDK's .d.ts
// strips everything marked @internal. The recipe for running one program several times in one
// process is the Automation API's (automation/server.js, LanguageServer.run): a fresh runtime store
// per run, setMocks in it, runInPulumiStack, then wait for every outstanding RPC (here: counted).

interface LocalStoreLike {
    settings: { rpcDone: Promise<unknown> };
    leakCandidates: Set<Promise<unknown>>;
}

interface StateModule {
    LocalStore: new () => LocalStoreLike;
    withLocalStorage<T>(callback: () => T): T;
    getStore(): LocalStoreLike;
    getLocalStore(): LocalStoreLike | undefined;
}

interface SettingsModule {
    /** Called when an RPC begins (a registration as soon as it is declared); the result is called when it ends. */
    rpcKeepAlive(): () => void;
}

interface DebuggableModule {
    debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
}

const state: StateModule = require("@pulumi/pulumi/runtime/state");
const settings: SettingsModule = require("@pulumi/pulumi/runtime/settings");
const debuggable: DebuggableModule = require("@pulumi/pulumi/runtime/debuggable");

/**
 * Runs `body` against a brand-new runtime store (settings, mock monitor, root stack resource,
 * config, feature flags, leak set), and puts the previous one back afterwards, so a run sees nothing
 * of earlier runs or of other test files' setMocks, and leaves them nothing.
 *
 * The store is swapped in as the process-global one (`global.globalStore`, which getStore() reads
 * outside any async-local context) rather than entered with the SDK's withLocalStorage: that is
 * what the Automation API does, but AsyncLocalStorage turns on Node's promise hooks for the rest of
 * the process, which cost ~25% of a simulated run. Runs are sequential (DeploySimulator.up refuses
 * overlap), and the caller settles every registration before `body` resolves. When called from
 * inside someone's async-local store, the swap would not be seen, so that case uses
 * withLocalStorage.
 */
export async function withFreshStore<T>(body: () => Promise<T>): Promise<T> {
    if (state.getLocalStore() !== undefined) {
        return state.withLocalStorage(body);
    }
    const holder = global as unknown as { globalStore?: LocalStoreLike };
    const saved = holder.globalStore;
    holder.globalStore = new state.LocalStore();
    try {
        return await body();
    } finally {
        holder.globalStore = saved;
    }
}

function currentStore(): LocalStoreLike {
    return state.getStore();
}

const promiseLabels = new WeakMap<Promise<unknown>, string>();

/** What the runtime said a still-pending promise was for (e.g. `resolveURN(resource:a[toy:index:Thing])`). */
export function pendingLabels(): string[] {
    return [...currentStore().leakCandidates].map((p) => promiseLabels.get(p) ?? "?");
}

/**
 * Runs `body` without the runtime's per-promise and per-resource stack captures, which exist for
 * the engine's diagnostics and under ts-node are most of the cost of a simulated run (every
 * formatted stack goes through source-map-support: ~110 ms per run of 20 resources with them):
 * - debuggablePromise, called for four promises per output property of every resource (an azuread
 *   Application has ~60), formats `new Error().stack` eagerly and defines three debug properties.
 *   Here it keeps only what matters: the promise joins the store's leak set until it settles (and
 *   its label is kept for pendingLabels). The skipped text is read only when
 *   PULUMI_DEBUG_PROMISE_LEAKS reports a leak at process exit.
 * - Resource.stackTrace formats an unlimited stack per resource for the registration's source
 *   position, which the mock monitor ignores.
 * SDK modules call both through the module object (`debuggable_1.debuggablePromise`,
 * `Resource.stackTrace`), so swapping them takes effect everywhere; both are restored when `body`
 * settles. Errors the program throws keep their stacks.
 */
export async function withoutStackCapture<T>(body: () => Promise<T>): Promise<T> {
    const originalPromise = debuggable.debuggablePromise;
    const resourceClass = pulumi.Resource as unknown as { stackTrace(skip: number): unknown[] };
    const originalStackTrace = resourceClass.stackTrace;
    debuggable.debuggablePromise = function trackedPromise<P>(p: Promise<P>, ctx: unknown): Promise<P> {
        const { leakCandidates } = state.getStore();
        leakCandidates.add(p);
        promiseLabels.set(p, String(ctx));
        return p.then(
            (value) => {
                leakCandidates.delete(p);
                return value;
            },
            (err) => {
                leakCandidates.delete(p);
                throw err;
            },
        );
    };
    resourceClass.stackTrace = () => [];
    try {
        return await body();
    } finally {
        debuggable.debuggablePromise = originalPromise;
        resourceClass.stackTrace = originalStackTrace;
    }
}

/** The runtime's RPCs, as counted by withRpcCounting. */
export interface RpcCounts {
    /** Begun and not yet ended. */
    readonly outstanding: number;
    /** Changes every time an RPC begins or ends. */
    readonly changes: number;
}

/**
 * Runs `body` with the runtime's RPCs counted: the SDK takes a keep-alive when a resource is
 * declared (before it waits for its inputs), an invoke is made or outputs are registered, and
 * releases it when the RPC has been answered. The count is what the scheduler needs to tell
 * "everything answered" from "waiting for a held step". SDK modules call rpcKeepAlive through
 * the module object (`settings_1.rpcKeepAlive()`), so swapping it takes effect everywhere; it is
 * restored when `body` settles.
 */
export async function withRpcCounting<T>(body: (counts: RpcCounts) => Promise<T>): Promise<T> {
    const counts = { outstanding: 0, changes: 0 };
    const original = settings.rpcKeepAlive;
    settings.rpcKeepAlive = function countedKeepAlive(): () => void {
        const done = original();
        counts.outstanding += 1;
        counts.changes += 1;
        let ended = false;
        return () => {
            if (!ended) {
                ended = true;
                counts.outstanding -= 1;
                counts.changes += 1;
            }
            done();
        };
    };
    try {
        return await body(counts);
    } finally {
        settings.rpcKeepAlive = original;
    }
}

/** The callback-style half of the mock monitor the simulator replaces. */
export interface MonitorLike {
    resources: Map<string, { urn: string; id: string | null; state: Record<string, unknown> }>;
    registerResource(req: RegisterResourceRequest, callback: (err: unknown, resp?: unknown) => void): void;
    registerResourceOutputs(req: RegisterResourceOutputsRequest, callback: (err: unknown, resp?: unknown) => void): void;
}

/** The MockMonitor that `setMocks` just installed in the current store. */
export function currentMockMonitor(): MonitorLike {
    const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike | undefined;
    if (!monitor || !(monitor.resources instanceof Map) || typeof monitor.registerResource !== "function") {
        throw new Error("simulator: setMocks did not install the expected MockMonitor (did @pulumi/pulumi change?)");
    }
    return monitor;
}
