import * as pulumi from "@pulumi/pulumi";
import { DeclaredResource, InvokeHandler, OfflineEngine } from "../../cli/plan/offlineEngine";
import { loadSerializedProvider } from "./dynamicProvider";
import { DEFAULT_ISSUERS, type Issuer } from "../simulator/fakes";

export type RecordedResource = DeclaredResource;

export interface RecordingMocksOptions {
    /**
     * How to answer dynamic resources: "real" loads the serialized provider the resource
     * registered (as Pulumi's host does) and runs its create; "none" echoes the inputs back.
     * Default: "real".
     */
    readonly dynamic?: "real" | "none";
    /** Extra invoke handlers by token; any token not handled here or by the engine throws. */
    readonly invokes?: Record<string, InvokeHandler>;
    readonly appRoleIds?: (clientId: string) => Record<string, string>;
    /** Leave computed outputs unknown, as `pulumi preview` does. Default: false. */
    readonly previewUnknowns?: boolean;
    /** With dynamic "real": stand-ins by type token, over the defaults (DEFAULT_ISSUERS: the sweep's quiet tenant). */
    readonly standIns?: Readonly<Record<string, Issuer>>;
}

/** The offline engine plus what tests need: real dynamic providers, lookups, a reset between tests. */
export class RecordingMocks extends OfflineEngine {
    constructor(options: RecordingMocksOptions = {}) {
        super({
            invokes: options.invokes,
            appRoleIds: options.appRoleIds,
            previewUnknowns: options.previewUnknowns,
            dynamic: (options.dynamic ?? "real") === "real" ? (args) => runSerializedProvider(args, { ...DEFAULT_ISSUERS, ...options.standIns }) : undefined,
        });
    }

    get resources(): DeclaredResource[] {
        return this.declared;
    }

    get invokes(): pulumi.runtime.MockCallArgs[] {
        return this.invoked;
    }

    reset(): void {
        this.declared.length = 0;
        this.invoked.length = 0;
    }

    ofType(type: string): DeclaredResource[] {
        return this.declared.filter((r) => r.type === type);
    }

    /** The one resource with this type and name; fails when there is none or several. */
    one(type: string, name: string): DeclaredResource {
        const found = this.declared.filter((r) => r.type === type && r.name === name);
        if (found.length !== 1) {
            throw new Error(`expected exactly one ${type} named ${name}, found ${found.length}; declared: ${this.describe()}`);
        }
        return found[0];
    }

    /** `type name` per declared resource, for assertion messages (never inputs: they may hold keys). */
    describe(): string {
        return this.declared.map((r) => `${r.type} ${r.name}`).join(", ");
    }
}

async function runSerializedProvider(args: pulumi.runtime.MockResourceArgs, standIns: Readonly<Record<string, Issuer>>): Promise<pulumi.runtime.MockResourceResult> {
    const { __provider: serialized, ...inputs } = args.inputs;
    const standIn = standIns[args.type] as Issuer | undefined;
    if (standIn !== undefined) {
        // The sweep reads a tenant, which component tests do not have (see quietTenantSweep).
        return { id: `${args.name}-id`, state: await standIn(inputs, new Date(), { type: args.type, name: args.name, key: args.name, inputs, generation: 0, at: new Date() }) };
    }
    const created = await loadSerializedProvider(serialized).create(inputs);
    return { id: created.id, state: { ...inputs, ...created.outs } };
}
