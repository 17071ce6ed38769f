import * as pulumi from "@pulumi/pulumi";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import type { RegisterResourceOutputsRequest, RegisterResourceRequest } from "@pulumi/pulumi/proto/resource_pb";
import { loadSerializedProvider } from "../support/dynamicProvider";
import { OfflineEngine, type InvokeHandler } from "../../cli/plan/offlineEngine";
import { DEFAULT_ISSUERS, QUIET_TYPES, defaultFaker, type FakeContext, type Faker, type Issuer } from "./fakes";
import { randomDeleteOrder } from "./deleteOrder";
import { currentMockMonitor, pendingLabels, withFreshStore, withRpcCounting, withoutStackCapture, type MonitorLike, type RpcCounts } from "./pulumiInternals";
import { SeededRandom, deriveSeed } from "./random";
import { StepScheduler, UPDATE_STOPPED, UpdateStopped, type Turn } from "./scheduler";
import { RunTargets } from "./targets";
import { changedKeys, secretKeys, toWireMap, unwrapMap, unwrapSecrets, wrapSecret, type PropertyMap } from "./values";

// Replays `pulumi up` runs of a real program under Pulumi mocks, carrying state between runs the
// way the engine does. Each run gets a fresh Pulumi runtime store, as the Automation API runs an
// inline program; the mock monitor's registerResource is replaced by the engine's step logic:
// same / create / replace (create-before-delete unless deleteBeforeReplace) / delete of what the
// program no longer declares. Steps run one at a time in an order a seeded scheduler picks among
// those the engine could have run concurrently (scheduler.ts), optionally under `--target`
// (targets.ts) and with an injected failure.
//
// Nothing here prints or throws property values: reports name keys, types and operation kinds
// only, because inputs and outputs hold private keys.

export const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The providers' force-new (replace-on-change) inputs for the types this project declares whose
 * other inputs update in place. Types absent here (ApplicationCertificate, AppRoleAssignment,
 * RoleAssignment: every input forces new) replace on any change.
 */
export const DEFAULT_FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
    // azure-native: a secret's properties change by writing a new version of the same secret.
    "azure-native:keyvault:Secret": ["resourceGroupName", "vaultName", "secretName"],
    "azure-native:keyvault:Vault": ["resourceGroupName", "vaultName", "location"],
    "azure-native:resources:ResourceGroup": ["resourceGroupName", "location"],
    // azuread: an application's settings, and a service principal's, are patched in place.
    "azuread:index/application:Application": [],
    "azuread:index/servicePrincipal:ServicePrincipal": ["clientId", "useExisting"],
};
export const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic";
export const APPLICATION_CERTIFICATE_TYPE = "azuread:index/applicationCertificate:ApplicationCertificate";
export const APPLICATION_TYPE = "azuread:index/application:Application";
const PROVIDER_KEY = "__provider";

/** A program as `pulumi up` runs it: declares resources, may return stack outputs. */
export type Program = () => unknown;

export interface SimulatorOptions {
    /** Default "project". */
    readonly project?: string;
    /** Default "stack". */
    readonly stack?: string;
    /** Per-type fakers for custom resources; types not listed use `defaultFaker`. */
    readonly fakers?: Readonly<Record<string, Faker>>;
    /**
     * Stand-ins for dynamic providers, by type token (e.g. fakeCertificateIssuer() for
     * `pulumi-nodejs:dynamic/vendor-connections:Certificate`). Dynamic types not listed run their
     * real provider, loaded from the serialized `__provider` text as Pulumi's host does, except
     * those with a default stand-in (DEFAULT_ISSUERS: the sweep, which needs a tenant); list such a
     * type with `undefined` to run its real provider.
     */
    readonly issuers?: Readonly<Record<string, Issuer | undefined>>;
    /** Called for every resource version a run deletes (also the old half of a replacement), after the provider's delete. */
    readonly onDelete?: (version: ResourceVersion) => void;
    /**
     * For dynamic resources run by their real provider, ask the provider (check, then diff) what a
     * change means, as the engine does: `changes: false` is a same, non-empty `replaces` a replace,
     * `changes: true` an update (provider.update), and no answer falls back to comparing inputs
     * (a change is then an update). Default false: any input change replaces.
     */
    readonly consultProviderDiff?: boolean;
    /**
     * Inputs that force a replacement, by custom resource type: for a type listed, a change to any
     * other input is an in-place update (as its provider would do it). Merged over
     * DEFAULT_FORCE_NEW. For unlisted types every input change replaces.
     */
    readonly forceNew?: Readonly<Record<string, readonly string[]>>;
    /** Invoke answers by token, on top of the offline engine's; any other token fails the run. */
    readonly invokes?: Readonly<Record<string, InvokeHandler>>;
    /** App role ids per API client id, for the offline engine's azuread getServicePrincipal. */
    readonly appRoleIds?: (clientId: string) => Record<string, string>;
    /** A run that has not settled after this long fails, naming what is still pending. Default 60 s. */
    readonly runTimeoutMs?: number;
    /**
     * Seed of the interleavings: run i uses deriveSeed(seed, i) unless `up` is given its own.
     * Default 0, so a simulator replays the same interleavings every time.
     */
    readonly seed?: number;
}

export interface UpOptions {
    /** Stack config for this run (`project:key` → string), as `pulumi config set` would give it. */
    readonly config?: Readonly<Record<string, string>>;
    /** Which config keys are secret. */
    readonly secretConfigKeys?: readonly string[];
    /**
     * Seed of this run's interleaving of steps and of its final deletes. Default: derived from the
     * simulator's seed and the run's index. A run's `seed` replays its interleaving.
     */
    readonly seed?: number;
    /**
     * Makes the operation that would be this run's `failAt`-th (0-based, its `step` in
     * `operations`) fail with an injected error instead of being performed: nothing starts after
     * it, the run keeps what it did, skips its final deletes and rejects with DeployError. A run
     * with fewer operations succeeds.
     */
    readonly failAt?: number;
    /** `pulumi up --target`: URNs, or globs in which `*` matches within a URN segment and `**` across segments. */
    readonly targets?: readonly string[];
    /** `pulumi up --target-dependents`: also target what depends on (or is a child of) a targeted resource. */
    readonly targetDependents?: boolean;
}

export interface ResourceRef {
    /** Parent type chain + `::` + name, as in the resource's URN (the root stack is left out). */
    readonly key: string;
    readonly type: string;
    readonly name: string;
}

export type OperationKind = "create" | "update" | "delete" | "create-replacement" | "delete-replaced";

export interface Operation extends ResourceRef {
    /** Position in the run's operation log. */
    readonly step: number;
    readonly kind: OperationKind;
}

export interface ReplaceRecord extends ResourceRef {
    readonly deleteBeforeReplace: boolean;
    /** Names of the top-level inputs that changed. */
    readonly changed: readonly string[];
}

/** The resource options the simulator acts on or records. */
export interface RegisteredOptions {
    readonly deleteBeforeReplace: boolean;
    readonly protect: boolean;
    readonly additionalSecretOutputs: readonly string[];
    readonly ignoreChanges: readonly string[];
    readonly replaceOnChanges: readonly string[];
    readonly retainOnDelete: boolean;
    /** Provider reference (`urn::id`) when the resource names an explicit provider. */
    readonly provider?: string;
}

/** What a registration came to; `skip` is a resource no target names and that does not exist yet: it is not created. */
export type RegistrationResult = "create" | "same" | "update" | "replace" | "skip";

/** One resource as the program declared it in one run. */
export interface RegisteredResource extends ResourceRef {
    readonly urn: string;
    /** Key of the parent resource; undefined for resources parented to the stack. */
    readonly parent?: string;
    readonly custom: boolean;
    readonly dynamic: boolean;
    readonly options: RegisteredOptions;
    /** Keys of the resources this one depends on (parent excluded unless also a dependency). */
    readonly dependencies: readonly string[];
    /** Inputs as declared: plain values, secrets unwrapped, no `__provider`. */
    readonly inputs: PropertyMap;
    /** Top-level input names that were secret. */
    readonly secretInputs: readonly string[];
    readonly result: RegistrationResult;
    readonly changed: readonly string[];
    /** False when the run had targets and none named it: it kept its old state (a same) or was not created (a skip). */
    readonly targeted: boolean;
}

export type VersionStart = "create" | "replace" | "update";
export type VersionEnd = "delete" | "replace" | "update";

/**
 * One version of a resource's state: from the operation that produced it until the one that ended
 * it, over simulated time [createdAt, deletedAt).
 */
export interface ResourceVersion extends ResourceRef {
    readonly parent?: string;
    /** Keys of the resources this version depends on, as declared when it was produced (parent excluded unless also a dependency). */
    readonly dependencies: readonly string[];
    readonly custom: boolean;
    readonly dynamic: boolean;
    readonly id?: string;
    /** Plain inputs (secrets unwrapped, no `__provider`). */
    readonly inputs: PropertyMap;
    /** Plain outputs (secrets unwrapped, no `__provider`); for a component, what it registered. */
    readonly outputs: PropertyMap;
    readonly secretOutputs: readonly string[];
    readonly options: RegisteredOptions;
    /** 0 for the first physical resource under this key, +1 per replacement. */
    readonly generation: number;
    /** Simulated instant this version began: for create and replace, when it was issued. */
    readonly createdAt: Date;
    readonly createdIn: number;
    readonly createdStep: number;
    readonly startedBy: VersionStart;
    readonly deletedAt?: Date;
    readonly deletedIn?: number;
    readonly deletedStep?: number;
    readonly endedBy?: VersionEnd;
}

export interface DeployRun {
    readonly index: number;
    readonly at: Date;
    /** Seed of this run's interleaving: `up(at, program, { seed })` replays it. */
    readonly seed: number;
    /** The UpOptions that shaped the run beyond its program and config. */
    readonly failAt?: number;
    readonly targets?: readonly string[];
    readonly targetDependents?: boolean;
    readonly ok: boolean;
    readonly error?: Error;
    /** The operations performed, in the order they completed. */
    readonly operations: readonly Operation[];
    /** The operation that failed (injected or not), which is not among `operations`: it did not happen. */
    readonly failedOperation?: Operation;
    readonly creates: readonly ResourceRef[];
    readonly updates: readonly ResourceRef[];
    readonly replaces: readonly ReplaceRecord[];
    readonly deletes: readonly ResourceRef[];
    /** Unchanged, or (under targets) untargeted and left as they were. */
    readonly sames: readonly ResourceRef[];
    /** New resources no target named: not created. */
    readonly skippedCreates: readonly ResourceRef[];
    readonly registered: readonly RegisteredResource[];
    /** The program's return value as stack outputs (plain values). */
    readonly exports: unknown;
}

/** A point inside a run: after its first `step` operations (0 = before any, operations.length = after all). */
export interface RunPoint {
    readonly run: number;
    readonly step: number;
}

export interface KeyCredential extends ResourceRef {
    readonly applicationId: string;
    readonly startDate: Date;
    readonly endDate: Date;
    /** The certificate (public material) as registered. */
    readonly value: unknown;
    readonly version: ResourceVersion;
}

/** A stretch of simulated time [from, to) in which an application had no valid key credential. */
export interface CredentialGap {
    readonly applicationId: string;
    readonly from: Date;
    readonly to: Date;
}

/** A point inside a run at which an application had no valid key credential. */
export interface CredentialGapInRun extends RunPoint {
    readonly applicationId: string;
    /** The operation just performed (undefined at step 0, before the run's first operation). */
    readonly after?: Operation;
}

export class DeployError extends Error {
    constructor(
        message: string,
        readonly run: DeployRun,
    ) {
        super(message);
        this.name = "DeployError";
    }
}

// Mutable twin of ResourceVersion, with the wire-form outputs the mock hands back on a same.
interface VersionRecord extends Omit<ResourceVersion, "inputs" | "outputs" | "secretOutputs" | "deletedAt" | "deletedIn" | "deletedStep" | "endedBy"> {
    inputs: PropertyMap;
    outputs: PropertyMap;
    secretOutputs: readonly string[];
    deletedAt?: Date;
    deletedIn?: number;
    deletedStep?: number;
    endedBy?: VersionEnd;
    /** Outputs as the engine stores them: secrets wrapped, `__provider` kept for dynamic resources. */
    wireOutputs: PropertyMap;
    /** Inputs as declared, wire form (for diffs). */
    wireInputs: PropertyMap;
}

type MonitorResources = MonitorLike["resources"];

/** A registration request, read when it arrives. */
type Declaration = { readonly root: true; readonly urn: string } | ResourceDeclaration;

interface ResourceDeclaration {
    readonly root: false;
    readonly urn: string;
    readonly ref: ResourceRef;
    readonly parent?: string;
    /** URNs of the parent and of every dependency, as the engine's graph links them. */
    readonly dependsOnUrns: readonly string[];
    readonly custom: boolean;
    readonly dynamic: boolean;
    readonly options: RegisteredOptions;
    /** Keys of the dependencies (parent excluded unless also one). */
    readonly dependencies: readonly string[];
    readonly wireInputs: PropertyMap;
}

interface RunContext {
    readonly index: number;
    readonly at: Date;
    readonly seed: number;
    readonly upOptions: UpOptions;
    readonly random: SeededRandom;
    readonly targets: RunTargets;
    readonly prior: ReadonlyMap<string, VersionRecord>;
    readonly next: Map<string, VersionRecord>;
    readonly byUrn: Map<string, { key?: string; qualifiedType: string }>;
    readonly registered: RegisteredResource[];
    readonly operations: Operation[];
    failedOperation?: Operation;
    readonly replaces: ReplaceRecord[];
    readonly replacedOlds: VersionRecord[];
    /** Keys of this run's skipped creates: a targeted resource must not depend on one. */
    readonly skipped: Set<string>;
    readonly errors: unknown[];
    /** Rejections nobody handled during the run: under `pulumi up` they fail the deployment. */
    readonly unhandled: unknown[];
    readonly providers: Map<string, pulumi.dynamic.ResourceProvider>;
}

export class DeploySimulator {
    private readonly runs: DeployRun[] = [];
    private readonly allVersions: VersionRecord[] = [];
    /** allVersions by type: invariants checked at every point of every run query by type. */
    private readonly versionsByType = new Map<string, VersionRecord[]>();
    /** Current state, in the order the last run registered it (a dependency order). */
    private current = new Map<string, VersionRecord>();
    /** Old halves of create-before-delete replacements whose run failed before deleting them. */
    private pendingDeletes: VersionRecord[] = [];
    private generations = new Map<string, number>();
    private running = false;

    constructor(private readonly options: SimulatorOptions = {}) {}

    get history(): readonly DeployRun[] {
        return this.runs;
    }

    /** Every resource version ever created, in creation order. */
    get versions(): readonly ResourceVersion[] {
        return this.allVersions;
    }

    /** The resources in the stack's state now, in registration order. */
    state(): ResourceVersion[] {
        return [...this.current.values(), ...this.pendingDeletes];
    }

    /** Current resources of a type (and name, if given). */
    find(type: string, name?: string): ResourceVersion[] {
        return this.state().filter((v) => v.type === type && (name === undefined || v.name === name));
    }

    /** The one current resource of this type and name; fails when there is none or several. */
    one(type: string, name: string): ResourceVersion {
        const found = this.find(type, name);
        if (found.length !== 1) {
            throw new Error(`simulator: expected one ${type} named ${name} in state, found ${found.length}`);
        }
        return found[0];
    }

    /**
     * The resource versions that exist at `when`: at a Date, the state after every run at or before
     * it ([createdAt, deletedAt)); at a RunPoint, the state part-way through that run.
     */
    resourcesAt(when: Date | RunPoint, type?: string): ResourceVersion[] {
        const candidates = type === undefined ? this.allVersions : (this.versionsByType.get(type) ?? []);
        return candidates.filter((v) => aliveAt(v, when));
    }

    /**
     * Every point of every run so far, failed runs included: before its first operation, then after
     * each one. Checking an invariant at each checks it at every state the stack went through.
     */
    points(): RunPoint[] {
        return this.runs.flatMap((run) => Array.from({ length: run.operations.length + 1 }, (_, step) => ({ run: run.index, step })));
    }

    /** The simulated instant of a point: its run's deploy instant. */
    instantOf(point: RunPoint): Date {
        return this.runAt(point.run);
    }

    /**
     * The azuread ApplicationCertificates registered at `when`, grouped by their `applicationId`
     * input, keeping only those valid then (startDate <= t < endDate, t being `when` or the run's
     * deploy instant) unless `includeInvalid`.
     */
    keyCredentialsAt(when: Date | RunPoint, options: { includeInvalid?: boolean } = {}): Map<string, KeyCredential[]> {
        const t = when instanceof Date ? when : this.runAt(when.run);
        const byApp = new Map<string, KeyCredential[]>();
        for (const version of this.resourcesAt(when, APPLICATION_CERTIFICATE_TYPE)) {
            const credential = keyCredential(version);
            if (options.includeInvalid || (credential.startDate <= t && t < credential.endDate)) {
                const list = byApp.get(credential.applicationId) ?? [];
                list.push(credential);
                byApp.set(credential.applicationId, list);
            }
        }
        return byApp;
    }

    /**
     * The sorted instants at which the set of registered, valid key credentials can change: every
     * run's instant and every key credential's startDate and endDate. Between two consecutive ones
     * nothing changes, so checking at each of them checks every instant from the first run on.
     */
    changeInstants(): Date[] {
        const times = new Set<number>(this.runs.map((r) => r.at.getTime()));
        for (const version of this.allVersions) {
            if (version.type === APPLICATION_CERTIFICATE_TYPE) {
                const credential = keyCredential(version);
                times.add(credential.startDate.getTime());
                times.add(credential.endDate.getTime());
            }
        }
        return [...times].sort((a, b) => a - b).map((t) => new Date(t));
    }

    /**
     * Every stretch of [from, to) in which an existing azuread Application (by id) had no
     * registered, valid key credential (suspended connections included: filter by application).
     */
    keyCredentialGaps(from: Date, to: Date): CredentialGap[] {
        const instants = [from, ...this.changeInstants().filter((t) => from < t && t < to), to];
        const gaps: CredentialGap[] = [];
        const open = new Map<string, Date>();
        for (let i = 0; i < instants.length - 1; i++) {
            const t = instants[i];
            const credentials = this.keyCredentialsAt(t);
            const uncovered = new Set(this.applicationIdsAt(t).filter((id) => !credentials.has(id)));
            for (const [id, since] of open) {
                if (!uncovered.has(id)) {
                    gaps.push({ applicationId: id, from: since, to: t });
                    open.delete(id);
                }
            }
            for (const id of uncovered) {
                if (!open.has(id)) {
                    open.set(id, t);
                }
            }
        }
        for (const [id, since] of open) {
            gaps.push({ applicationId: id, from: since, to });
        }
        return gaps.sort((a, b) => a.from.getTime() - b.from.getTime() || a.applicationId.localeCompare(b.applicationId));
    }

    /**
     * The points inside runs (after each operation, at the run's instant) at which an existing
     * azuread Application had no registered, valid key credential: what a delete-before-replace,
     * or a delete ordered before its replacement's create, would open. An application created in
     * that same run is left out: it cannot have a credential before its first one is registered.
     */
    keyCredentialGapsDuringRuns(): CredentialGapInRun[] {
        const gaps: CredentialGapInRun[] = [];
        for (const run of this.runs) {
            for (let step = 0; step <= run.operations.length; step++) {
                const point = { run: run.index, step };
                const credentials = this.keyCredentialsAt(point);
                for (const id of this.applicationIdsAt(point, run.index)) {
                    if (!credentials.has(id)) {
                        gaps.push({ ...point, applicationId: id, after: step > 0 ? run.operations[step - 1] : undefined });
                    }
                }
            }
        }
        return gaps;
    }

    private applicationIdsAt(when: Date | RunPoint, notCreatedIn?: number): string[] {
        return this.resourcesAt(when, APPLICATION_TYPE)
            .filter((v) => v.createdIn !== notCreatedIn || v.startedBy === "update")
            .map((v) => v.id)
            .filter((id): id is string => id !== undefined);
    }

    /** Keys, types and operation kinds of every run so far (never property values). */
    describe(): string {
        return this.runs.map(describeRun).join("\n");
    }

    /**
     * Runs `program` as `pulumi up` at simulated instant `at`, against the state the previous runs
     * left, its steps interleaved as `upOptions.seed` picks. Resolves once every registration has
     * finished; rejects with a DeployError (also recorded in `history`) when the program or a
     * resource operation fails.
     */
    async up(at: Date, program: Program, upOptions: UpOptions = {}): Promise<DeployRun> {
        if (this.running) {
            throw new Error("simulator: up() called while another run is in progress; await each run");
        }
        const last = this.runs.at(-1);
        if (last && at < last.at) {
            throw new Error(`simulator: run at ${at.toISOString()} is before the previous run at ${last.at.toISOString()}`);
        }
        this.running = true;
        // As the Automation API's language server does, own unhandled rejections while the program
        // runs: the Pulumi runtime leaves one per failed registration (and per output depending on
        // it), and a throw inside an apply surfaces only that way. They fail this run, and must not
        // reach mocha, which would blame whichever test is running.
        const unhandled: unknown[] = [];
        const collect = (reason: unknown): void => {
            unhandled.push(reason);
        };
        const others = process.listeners("unhandledRejection");
        process.removeAllListeners("unhandledRejection");
        process.on("unhandledRejection", collect);
        try {
            return await withoutStackCapture(() => withRpcCounting((rpcs) => withFreshStore(() => this.runInFreshStore(new Date(at), program, upOptions, unhandled, rpcs))));
        } finally {
            process.off("unhandledRejection", collect);
            for (const listener of others) {
                process.on("unhandledRejection", listener);
            }
            this.running = false;
        }
    }

    private runAt(index: number): Date {
        const run = this.runs[index];
        if (run === undefined) {
            throw new Error(`simulator: no run #${index}`);
        }
        return run.at;
    }

    private async runInFreshStore(at: Date, program: Program, upOptions: UpOptions, unhandled: unknown[], rpcs: RpcCounts): Promise<DeployRun> {
        const index = this.runs.length;
        const seed = upOptions.seed ?? deriveSeed(this.options.seed ?? 0, index);
        const random = new SeededRandom(seed);
        const ctx: RunContext = {
            index,
            at,
            seed,
            upOptions,
            random,
            targets: new RunTargets(upOptions.targets, upOptions.targetDependents),
            prior: this.current,
            next: new Map(),
            byUrn: new Map(),
            registered: [],
            operations: [],
            replaces: [],
            replacedOlds: [],
            skipped: new Set(),
            errors: [],
            unhandled,
            providers: new Map(),
        };
        await pulumi.runtime.setMocks(this.mocks(), this.options.project ?? "project", this.options.stack ?? "stack", false);
        if (upOptions.config) {
            pulumi.runtime.setAllConfig({ ...upOptions.config }, [...(upOptions.secretConfigKeys ?? [])]);
        }
        const failed = (): boolean => ctx.errors.length > 0 || ctx.unhandled.length > 0;
        const scheduler = new StepScheduler(random, { activity: () => rpcs.changes + ctx.unhandled.length, outstanding: () => rpcs.outstanding }, failed);
        const monitor = currentMockMonitor();
        monitor.registerResource = (req, callback) => this.admit(ctx, scheduler, req, callback, monitor.resources);
        monitor.registerResourceOutputs = (req, callback) => {
            try {
                this.registerOutputs(ctx, req);
                callback(null, {});
            } catch (err) {
                ctx.errors.push(err);
                callback(err);
            }
        };

        let exports: unknown;
        const programDone = pulumi.runtime.runInPulumiStack(program as () => Promise<Record<string, unknown> | undefined>).then(
            (outputs) => {
                exports = outputs;
            },
            (err) => {
                ctx.errors.push(err);
            },
        );
        const timeoutMs = this.options.runTimeoutMs ?? 60_000;
        const outcome = await scheduler.drain(Date.now() + timeoutMs);
        if (outcome === "timed out") {
            ctx.errors.push(new Error(`run did not settle within ${timeoutMs} ms; pending: ${pendingLabels().slice(0, 20).join(", ")}`));
        } else if (outcome === "drained") {
            await programDone;
        }
        // Unhandled rejections are reported after the microtask queue drains: give them one more turn.
        await new Promise((resolve) => setImmediate(resolve));
        ctx.errors.push(...ctx.unhandled);
        if (ctx.errors.length === 0) {
            await this.deleteWhatIsGone(ctx).catch((err) => ctx.errors.push(err));
            // Reported after the deletes have run, as the engine does.
            const known = (urn: string): boolean => ctx.byUrn.has(urn) || [...ctx.prior.values(), ...this.pendingDeletes].some((v) => this.urnOf(v.key) === urn);
            for (const target of ctx.targets.notFound(known)) {
                ctx.errors.push(new Error(`Target '${target}' could not be found in the stack.`));
            }
        }
        return this.finish(ctx, exports);
    }

    private mocks(): pulumi.runtime.Mocks {
        const fakers = this.options.fakers ?? {};
        const engine = new OfflineEngine({ invokes: this.options.invokes, appRoleIds: this.options.appRoleIds });
        return {
            // Only reads (`Resource.get`) reach this; registrations go through admit() and step().
            newResource: (args) => {
                const inputs = unwrapMap(args.inputs);
                const faker = fakers[args.type] ?? defaultFaker;
                const faked = faker({ type: args.type, name: args.name, key: args.name, inputs, generation: 0, at: new Date(0) });
                return { id: args.id ?? faked.id, state: { ...inputs, ...faked.outputs } };
            },
            call: (args) => engine.call({ ...args, inputs: unwrapMap(args.inputs) }),
        };
    }

    /** The URN the engine gives a resource of this key (parent type chain + `::` + name). */
    private urnOf(key: string): string {
        return `urn:pulumi:${this.options.stack ?? "stack"}::${this.options.project ?? "project"}::${key}`;
    }

    // A request has arrived: the root stack is answered at once (the program waits for it before
    // declaring anything); every other registration is a step, held until the scheduler runs it.
    private admit(
        ctx: RunContext,
        scheduler: StepScheduler,
        req: RegisterResourceRequest,
        callback: (err: unknown, resp?: unknown) => void,
        monitorResources: MonitorResources,
    ): void {
        let declaration: Declaration;
        try {
            declaration = this.declaration(ctx, req);
        } catch (err) {
            ctx.errors.push(err);
            callback(err);
            return;
        }
        if (declaration.root) {
            monitorResources.set(declaration.urn, { urn: declaration.urn, id: null, state: {} });
            callback(null, response(declaration.urn, "", {}));
            return;
        }
        const { key } = declaration.ref;
        scheduler.submit(
            key,
            async (turn) => {
                try {
                    callback(null, await this.step(ctx, declaration, turn, monitorResources));
                } catch (err) {
                    // A step the failure stopped is a consequence, not a cause.
                    if (!(err instanceof UpdateStopped)) {
                        ctx.errors.push(err);
                    }
                    callback(err);
                }
            },
            () => callback(new UpdateStopped(key)),
        );
    }

    // What the request declares: identity, options, dependencies and inputs. Its parent and
    // dependencies were answered before the SDK sent it, so their keys are known.
    private declaration(ctx: RunContext, req: RegisterResourceRequest): Declaration {
        const type = req.getType();
        const name = req.getName();
        const parentUrn = req.getParent();
        if (type === STACK_TYPE && !parentUrn) {
            const urn = this.urnOf(`${type}::${name}`);
            ctx.byUrn.set(urn, { qualifiedType: "" });
            return { root: true, urn };
        }
        const parent = parentUrn ? ctx.byUrn.get(parentUrn) : undefined;
        if (parentUrn && !parent) {
            throw new Error(`simulator: ${type} ${name} names a parent this run never registered`);
        }
        const qualifiedType = parent?.qualifiedType ? `${parent.qualifiedType}$${type}` : type;
        const key = `${qualifiedType}::${name}`;
        const urn = this.urnOf(key);
        if (ctx.byUrn.has(urn)) {
            throw new Error(`simulator: duplicate resource URN ${urn}`);
        }
        ctx.byUrn.set(urn, { key, qualifiedType });
        const dependencyUrns = req.getDependenciesList();
        return {
            root: false,
            urn,
            ref: { key, type, name },
            parent: parent?.key,
            // The engine's dependency graph counts the parent as a dependency (targets, deletes).
            dependsOnUrns: [...(parentUrn && parent?.key ? [parentUrn] : []), ...dependencyUrns],
            custom: req.getCustom(),
            dynamic: type.startsWith(DYNAMIC_PREFIX),
            options: {
                deleteBeforeReplace: req.getDeletebeforereplace(),
                protect: req.getProtect() ?? false,
                additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                ignoreChanges: req.getIgnorechangesList(),
                replaceOnChanges: req.getReplaceonchangesList(),
                retainOnDelete: req.getRetainondelete() ?? false,
                provider: req.getProvider() || undefined,
            },
            dependencies: dependencyUrns.map((u) => ctx.byUrn.get(u)?.key ?? u),
            wireInputs: (req.getObject()?.toJavaScript() ?? {}) as PropertyMap,
        };
    }

    // One resource's step, run when the scheduler picks it: the engine's same / create / update /
    // replace decision and its operations.
    private async step(ctx: RunContext, declaration: ResourceDeclaration, turn: Turn, monitorResources: MonitorResources): Promise<resproto.RegisterResourceResponse> {
        const { ref, urn, custom, dynamic, options, dependencies, wireInputs } = declaration;
        const { key, type } = ref;
        const base = { ...ref, parent: declaration.parent, custom, dynamic, options, dependencies };

        // ignoreChanges: the engine diffs (and stores) the old value of an ignored property.
        const prev = ctx.prior.get(key);
        const ignored = new Set(options.ignoreChanges);
        const effectiveInputs = { ...wireInputs };
        if (prev) {
            for (const k of ignored) {
                if (k in prev.wireInputs) {
                    effectiveInputs[k] = prev.wireInputs[k];
                } else {
                    delete effectiveInputs[k];
                }
            }
        }
        const secretInputs = secretKeys(effectiveInputs).filter((k) => k !== PROVIDER_KEY);
        const { [PROVIDER_KEY]: _provider, ...declared } = unwrapMap(effectiveInputs);
        const registered = (result: RegistrationResult, changed: readonly string[], targeted = true): void => {
            ctx.registered.push({ ...base, urn, inputs: declared, secretInputs, result, changed, targeted });
        };

        if (!ctx.targets.admit(urn, declaration.dependsOnUrns)) {
            if (!prev) {
                // A skipped create: nothing is created or kept; the program sees no id.
                ctx.skipped.add(key);
                registered("skip", []);
                return response(urn, "", {});
            }
            // An untargeted resource keeps its old state, inputs and outputs, whatever the program says now.
            registered("same", [], false);
            ctx.next.set(key, prev);
            monitorResources.set(urn, { urn, id: prev.id ?? null, state: prev.wireOutputs });
            return response(urn, prev.id ?? "", prev.wireOutputs);
        }
        const skippedDependency = [...(declaration.parent ? [declaration.parent] : []), ...dependencies].find((k) => ctx.skipped.has(k));
        if (skippedDependency !== undefined) {
            throw new Error(`Resource '${urn}' depends on '${this.urnOf(skippedDependency)}' which was not specified in --target list.`);
        }

        const issuer = dynamic ? this.issuerFor(type) : undefined;
        const realProvider = dynamic && !issuer;
        const decision = await this.decide(ctx, type, prev, effectiveInputs, options, custom, realProvider);
        const record = (result: RegistrationResult, version: VersionRecord): resproto.RegisterResourceResponse => {
            registered(result, decision.changed);
            ctx.next.set(key, version);
            monitorResources.set(urn, { urn, id: version.id ?? null, state: version.wireOutputs });
            return response(urn, version.id ?? "", version.wireOutputs);
        };

        if (prev && decision.kind === "same") {
            if (decision.checked) {
                // The engine keeps the outputs of a same and stores the new inputs, as check returned
                // them: a provider whose diff saw no change in changed inputs is asked with these next.
                prev.inputs = decision.checked;
                prev.wireInputs = effectiveInputs;
            }
            return record("same", prev);
        }
        if (prev && decision.kind === "replace" && (prev.options.protect || options.protect)) {
            throw new Error(`simulator: ${key} is protected and cannot be replaced`);
        }

        const generation = decision.kind === "update" && prev ? prev.generation : this.nextGeneration(key);
        const fake: FakeContext = { type, name: ref.name, key, inputs: declared, generation, at: ctx.at };
        const produce = async (): Promise<{ id?: string; wireOutputs: PropertyMap }> => {
            if (!custom) {
                return { wireOutputs: effectiveInputs };
            }
            if (dynamic) {
                const providerText = String(unwrapSecrets(wireInputs[PROVIDER_KEY]));
                let outs: PropertyMap;
                let id: string | undefined;
                if (issuer) {
                    outs = await issuer(declared, new Date(ctx.at), fake);
                    id = `${key}#${generation}`;
                } else if (decision.kind === "update" && prev) {
                    const provider = this.provider(ctx, providerText);
                    const news = { ...(decision.checked ?? declared), [PROVIDER_KEY]: providerText };
                    const result = provider.update ? await provider.update(prev.id ?? "", plainWithProvider(prev), news) : {};
                    // As the host does (resultIncludingProvider): no update method leaves only __provider, and
                    // so does an update that resolves to nothing, which a JavaScript provider may.
                    outs = result?.outs || {};
                    id = prev.id;
                } else {
                    const provider = this.provider(ctx, providerText);
                    const news = { ...(decision.checked ?? (await check(provider, prev?.inputs ?? {}, declared, key))), [PROVIDER_KEY]: providerText };
                    const result = await provider.create(news);
                    outs = result.outs ?? {};
                    id = result.id;
                }
                const wire = toWireMap({ ...outs, [PROVIDER_KEY]: providerText }, `outputs of ${key}`);
                return { id, wireOutputs: markSecrets(wire, [...options.additionalSecretOutputs, ...secretInputs]) };
            }
            const faker = this.options.fakers?.[type] ?? defaultFaker;
            const faked = faker(fake);
            const wire = { ...effectiveInputs, ...toWireMap(faked.outputs ?? {}, `outputs of ${key}`) };
            // An update keeps the physical resource, and so its id.
            const id = decision.kind === "update" && prev ? prev.id : (faked.id ?? `${key}#${generation}`);
            return { id, wireOutputs: markSecrets(wire, options.additionalSecretOutputs) };
        };
        const newVersion = (produced: { id?: string; wireOutputs: PropertyMap }, startedBy: VersionStart, step: number): VersionRecord => {
            const { [PROVIDER_KEY]: _p, ...outputs } = unwrapMap(produced.wireOutputs);
            const version: VersionRecord = {
                ...base,
                id: produced.id,
                inputs: declared,
                outputs,
                secretOutputs: secretKeys(produced.wireOutputs).filter((k) => k !== PROVIDER_KEY),
                generation,
                createdAt: ctx.at,
                createdIn: ctx.index,
                createdStep: step,
                startedBy,
                wireOutputs: produced.wireOutputs,
                wireInputs: effectiveInputs,
            };
            this.allVersions.push(version);
            const ofType = this.versionsByType.get(version.type) ?? [];
            ofType.push(version);
            this.versionsByType.set(version.type, ofType);
            return version;
        };

        if (!prev) {
            const { result, step } = await this.operate(ctx, "create", ref, produce);
            return record("create", newVersion(result, "create", step));
        }
        if (decision.kind === "update") {
            const { result, step } = await this.operate(ctx, "update", ref, produce);
            end(prev, ctx, step, "update");
            return record("update", newVersion(result, "update", step));
        }
        const deleteBeforeReplace = options.deleteBeforeReplace || decision.deleteBeforeReplace;
        ctx.replaces.push({ ...ref, deleteBeforeReplace, changed: decision.changed });
        if (deleteBeforeReplace) {
            const deleted = await this.operate(ctx, "delete-replaced", ref, () => this.destroy(ctx, prev));
            end(prev, ctx, deleted.step, "replace");
            // The engine runs the delete and the create as a chain; other steps may run in between.
            await turn.pause();
            const { result, step } = await this.operate(ctx, "create-replacement", ref, produce);
            return record("replace", newVersion(result, "replace", step));
        }
        const { result, step } = await this.operate(ctx, "create-replacement", ref, produce);
        const version = newVersion(result, "replace", step);
        ctx.replacedOlds.push(prev);
        return record("replace", version);
    }

    /**
     * Performs one operation and logs it, unless it is the one this run was told to fail
     * (`failAt`): then it fails before doing anything, as a provider error would. A failure of
     * either kind is recorded as the run's failed operation.
     */
    private async operate<T>(ctx: RunContext, kind: OperationKind, ref: ResourceRef, action: () => T | Promise<T>): Promise<{ result: T; step: number }> {
        const step = ctx.operations.length;
        const operation: Operation = { step, kind, key: ref.key, type: ref.type, name: ref.name };
        try {
            if (step === ctx.upOptions.failAt) {
                throw new Error(`injected failure of operation ${step} (${kind} ${ref.key})`);
            }
            const result = await action();
            ctx.operations.push(operation);
            return { result, step };
        } catch (err) {
            ctx.failedOperation ??= operation;
            throw err;
        }
    }

    private async decide(
        ctx: RunContext,
        type: string,
        prev: VersionRecord | undefined,
        wireInputs: PropertyMap,
        options: RegisteredOptions,
        custom: boolean,
        realProvider: boolean,
    ): Promise<{ kind: "create" | "same" | "update" | "replace"; changed: string[]; deleteBeforeReplace: boolean; checked?: PropertyMap }> {
        if (!prev) {
            return { kind: "create", changed: [], deleteBeforeReplace: false };
        }
        const changed = changedKeys(prev.wireInputs, wireInputs, new Set([PROVIDER_KEY]));
        if (QUIET_TYPES.has(type) && this.issuerFor(type) === DEFAULT_ISSUERS[type]) {
            return { kind: "same", changed: [], deleteBeforeReplace: false };
        }
        const replaceOnChanges = options.replaceOnChanges;
        const forcesReplace = changed.some((k) => replaceOnChanges.includes("*") || replaceOnChanges.includes(k));
        if (!(realProvider && this.options.consultProviderDiff)) {
            if (changed.length === 0) {
                return { kind: "same", changed, deleteBeforeReplace: false };
            }
            const forceNew = type.startsWith(DYNAMIC_PREFIX) ? undefined : (this.options.forceNew?.[type] ?? DEFAULT_FORCE_NEW[type]);
            const replaces = custom && (forcesReplace || forceNew === undefined || changed.some((k) => forceNew.includes(k)));
            return { kind: replaces ? "replace" : "update", changed, deleteBeforeReplace: false };
        }
        // The engine's dynamic-resource path: Check (olds = old inputs), then Diff (olds = old outputs).
        const providerText = String(unwrapSecrets(wireInputs[PROVIDER_KEY]));
        const provider = this.provider(ctx, providerText);
        const { [PROVIDER_KEY]: _p, ...declared } = unwrapMap(wireInputs);
        const checked = await check(provider, prev.inputs, declared, prev.key);
        const news = { ...checked, [PROVIDER_KEY]: providerText };
        const diff = provider.diff ? await provider.diff(prev.id ?? "", plainWithProvider(prev), news) : undefined;
        const dbr = diff?.deleteBeforeReplace ?? false;
        if (diff?.changes === false) {
            return { kind: "same", changed, deleteBeforeReplace: false, checked };
        }
        if ((diff?.replaces?.length ?? 0) > 0 || forcesReplace) {
            return { kind: "replace", changed: diff?.replaces?.length ? [...diff.replaces] : changed, deleteBeforeReplace: dbr, checked };
        }
        if (diff?.changes === true) {
            return { kind: "update", changed, deleteBeforeReplace: false, checked };
        }
        // No answer (DIFF_UNKNOWN): the engine compares inputs itself; a change is an update.
        const checkedChanged = changedKeys(prev.inputs, checked, new Set());
        return checkedChanged.length === 0
            ? { kind: "same", changed, deleteBeforeReplace: false, checked }
            : { kind: "update", changed: checkedChanged, deleteBeforeReplace: false, checked };
    }

    private registerOutputs(ctx: RunContext, req: RegisterResourceOutputsRequest): void {
        const entry = ctx.byUrn.get(req.getUrn());
        if (!entry) {
            throw new Error("simulator: outputs registered for a resource this run never registered");
        }
        if (entry.key === undefined) {
            return; // the root stack: its outputs are the run's exports
        }
        const version = ctx.next.get(entry.key);
        if (version && !version.custom) {
            const wire = (req.getOutputs()?.toJavaScript() ?? {}) as PropertyMap;
            version.wireOutputs = wire;
            version.outputs = unwrapMap(wire);
            version.secretOutputs = secretKeys(wire);
        }
    }

    // End of a successful update: delete the old halves of create-before-delete replacements, what
    // the program no longer declares, and what a failed update left pending, each before what it
    // depends on, in an order this run's seed picks among those the engine allows. Under targets,
    // only what they allow; and nothing at all when a delete they do not name would be needed.
    private async deleteWhatIsGone(ctx: RunContext): Promise<void> {
        const doomedAs = (kind: "delete" | "delete-replaced") => (version: VersionRecord) => ({
            key: version.key,
            parent: version.parent,
            dependencies: version.dependencies,
            version,
            kind,
        });
        const candidates = [
            ...this.pendingDeletes.map(doomedAs("delete-replaced")),
            ...ctx.replacedOlds.map(doomedAs("delete-replaced")),
            ...[...ctx.prior.values()].filter((v) => !ctx.next.has(v.key) && v.deletedAt === undefined).map(doomedAs("delete")),
        ];
        const stateGraph = [...ctx.prior.values(), ...this.pendingDeletes].map((v) => ({
            urn: this.urnOf(v.key),
            dependsOn: [...(v.parent ? [v.parent] : []), ...v.dependencies].map((k) => this.urnOf(k)),
        }));
        const deletable = ctx.targets.deletable(stateGraph);
        const doomed = candidates.filter((c) => !deletable || deletable.has(this.urnOf(c.key)));
        const refused = ctx.targets.refusedDeletes(doomed.map((c) => this.urnOf(c.key)));
        if (refused.length > 0) {
            throw new Error(
                `${refused.map((urn) => `Resource '${urn}' will be destroyed but was not specified in --target list.`).join(" ")} ` +
                    "Either include resource in --target list or pass --target-dependents to proceed.",
            );
        }
        for (const { version, kind } of randomDeleteOrder(doomed, ctx.random)) {
            const { step } = await this.operate(ctx, kind, version, () => {
                if (version.options.protect) {
                    throw new Error(`simulator: ${version.key} is protected and cannot be deleted`);
                }
                return this.destroy(ctx, version);
            });
            end(version, ctx, step, kind === "delete" ? "delete" : "replace");
            if (kind === "delete-replaced") {
                this.pendingDeletes = this.pendingDeletes.filter((v) => v !== version);
            }
        }
    }

    private finish(ctx: RunContext, exports: unknown): DeployRun {
        const ok = ctx.errors.length === 0;
        const order = new Map(ctx.registered.map((r, i) => [r.key, i]));
        const next = [...ctx.next.values()].sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));
        // What this run neither declared nor deleted stays: all a failed update did not reach, and
        // under targets what they left alone.
        const kept = [...ctx.prior.values()].filter((v) => !ctx.next.has(v.key) && v.deletedAt === undefined);
        this.current = new Map([...kept, ...next].map((v) => [v.key, v]));
        this.pendingDeletes.push(...ctx.replacedOlds.filter((v) => v.deletedAt === undefined));
        const refsOf = (kind: RegistrationResult): ResourceRef[] => ctx.registered.filter((r) => r.result === kind).map(({ key, type, name }) => ({ key, type, name }));
        const { failAt, targets, targetDependents } = ctx.upOptions;
        const run: DeployRun = {
            index: ctx.index,
            at: ctx.at,
            seed: ctx.seed,
            failAt,
            targets,
            targetDependents,
            ok,
            error: ok ? undefined : summarizeErrors(ctx.errors),
            operations: ctx.operations,
            failedOperation: ctx.failedOperation,
            creates: refsOf("create"),
            updates: refsOf("update"),
            replaces: ctx.replaces,
            deletes: ctx.operations.filter((o) => o.kind === "delete").map(({ key, type, name }) => ({ key, type, name })),
            sames: refsOf("same"),
            skippedCreates: refsOf("skip"),
            registered: ctx.registered,
            exports: ok ? exports : undefined,
        };
        this.runs.push(run);
        if (!ok) {
            throw new DeployError(`simulated deploy #${ctx.index} at ${ctx.at.toISOString()} (seed ${ctx.seed}) failed: ${run.error?.message}`, run);
        }
        return run;
    }

    private issuerFor(type: string): Issuer | undefined {
        return this.options.issuers && type in this.options.issuers ? this.options.issuers[type] : DEFAULT_ISSUERS[type];
    }

    private nextGeneration(key: string): number {
        const generation = this.generations.get(key) ?? 0;
        this.generations.set(key, generation + 1);
        return generation;
    }

    // One provider instance per serialized text per run, as the host caches them per process
    // (and a deploy is one host process).
    private provider(ctx: RunContext, text: string): pulumi.dynamic.ResourceProvider {
        let provider = ctx.providers.get(text);
        if (!provider) {
            provider = loadSerializedProvider(text);
            ctx.providers.set(text, provider);
        }
        return provider;
    }

    private async destroy(ctx: RunContext, version: VersionRecord): Promise<void> {
        if (version.dynamic && !this.issuerFor(version.type)) {
            const provider = this.provider(ctx, String(unwrapSecrets(version.wireOutputs[PROVIDER_KEY])));
            if (provider.delete) {
                await provider.delete(version.id ?? "", plainWithProvider(version));
            }
        }
        this.options.onDelete?.(version);
    }
}

function response(urn: string, id: string, wireOutputs: PropertyMap): resproto.RegisterResourceResponse {
    const resp = new resproto.RegisterResourceResponse();
    resp.setUrn(urn);
    resp.setId(id);
    resp.setObject(structproto.Struct.fromJavaScript(wireOutputs as Parameters<typeof structproto.Struct.fromJavaScript>[0]));
    return resp;
}

async function check(provider: pulumi.dynamic.ResourceProvider, olds: PropertyMap, news: PropertyMap, key: string): Promise<PropertyMap> {
    if (!provider.check) {
        return news;
    }
    const result = await provider.check(olds, news);
    if (result.failures && result.failures.length > 0) {
        // Reasons are the provider's own words; properties are names only.
        throw new Error(`check failed for ${key}: ${result.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    }
    const { [PROVIDER_KEY]: _p, ...inputs } = (result.inputs ?? news) as PropertyMap;
    return inputs;
}

/** Old outputs as the dynamic provider host hands them to diff, update and delete. */
function plainWithProvider(version: VersionRecord): PropertyMap {
    return unwrapMap(version.wireOutputs);
}

function markSecrets(wire: PropertyMap, names: readonly string[]): PropertyMap {
    const out = { ...wire };
    for (const name of names) {
        if (name in out) {
            out[name] = wrapSecret(out[name]);
        }
    }
    return out;
}

function end(version: VersionRecord, ctx: RunContext, step: number, endedBy: VersionEnd): void {
    version.deletedAt = ctx.at;
    version.deletedIn = ctx.index;
    version.deletedStep = step;
    version.endedBy = endedBy;
}

function aliveAt(v: ResourceVersion, when: Date | RunPoint): boolean {
    if (when instanceof Date) {
        return v.createdAt <= when && (v.deletedAt === undefined || when < v.deletedAt);
    }
    const started = v.createdIn < when.run || (v.createdIn === when.run && v.createdStep < when.step);
    const ended = v.deletedIn !== undefined && (v.deletedIn < when.run || (v.deletedIn === when.run && (v.deletedStep ?? 0) < when.step));
    return started && !ended;
}

function keyCredential(version: ResourceVersion): KeyCredential {
    const { applicationId, startDate, endDate, value } = version.inputs;
    if (typeof applicationId !== "string") {
        throw new Error(`simulator: ${version.key} has no applicationId input`);
    }
    if (typeof endDate !== "string") {
        throw new Error(`simulator: ${version.key} has no endDate input (endDateRelative is not simulated)`);
    }
    // The provider defaults startDate to the moment of creation.
    const start = typeof startDate === "string" ? new Date(startDate) : version.createdAt;
    const endAt = new Date(endDate);
    if (Number.isNaN(start.getTime()) || Number.isNaN(endAt.getTime())) {
        throw new Error(`simulator: ${version.key} has a startDate or endDate that is not an RFC 3339 instant`);
    }
    return { key: version.key, type: version.type, name: version.name, applicationId, startDate: start, endDate: endAt, value, version };
}

// The first error, with the distinct messages of the others: one failed registration shows up
// again in every resource and output that depended on it.
function summarizeErrors(errors: unknown[]): Error {
    const everything = errors.map((e) => (e instanceof Error ? e : new Error(String(e))));
    // Registrations the failure stopped before they ran report that too; the causes are the rest.
    const causes = everything.filter((e) => !e.message.includes(UPDATE_STOPPED));
    const all = causes.length > 0 ? causes : everything;
    const messages = [...new Set(all.map((e) => e.message))];
    if (messages.length === 1) {
        return all[0];
    }
    const error = new Error(`${messages[0]} (and ${messages.length - 1} other error(s): ${messages.slice(1, 4).join("; ")})`);
    error.cause = all;
    return error;
}

/** One line per operation: kind, type and key (never property values), after the seed that replays the run. */
export function describeRun(run: DeployRun): string {
    const shaping = [
        `seed ${run.seed}`,
        ...(run.failAt === undefined ? [] : [`failAt ${run.failAt}`]),
        ...(run.targets?.length ? [`targets ${run.targets.join(" ")}${run.targetDependents ? " with dependents" : ""}`] : []),
    ].join(", ");
    const head =
        `run #${run.index} at ${run.at.toISOString()} (${shaping})${run.ok ? "" : " (failed)"}: ` +
        `${run.creates.length} create, ${run.updates.length} update, ${run.replaces.length} replace, ` +
        `${run.deletes.length} delete, ${run.sames.length} same, ${run.skippedCreates.length} skipped`;
    const failed = run.failedOperation ? [`  ${run.failedOperation.step}. ${run.failedOperation.kind} ${run.failedOperation.key} FAILED`] : [];
    return [head, ...run.operations.map((o) => `  ${o.step}. ${o.kind} ${o.key}`), ...failed].join("\n");
}
