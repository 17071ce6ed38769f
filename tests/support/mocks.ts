import * as pulumi from "@pulumi/pulumi";
import { loadSerializedProvider } from "./dynamicProvider";
import { fakeComputedOutputs, fakeId, fakeInvokes } from "./fakes";

/** One resource as the program registered it. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
    readonly provider?: string;
    readonly custom?: boolean;
}

export interface RecordingMocksOptions {
    /**
     * How to answer dynamic resources: "real" loads the serialized provider the resource
     * registered (as Pulumi's host does) and runs its create; "none" echoes the inputs back.
     * Default: "real".
     */
    readonly dynamic?: "real" | "none";
    /** Extra invoke handlers by token; any token not handled here or by the defaults throws. */
    readonly invokes?: Record<string, (inputs: Record<string, any>) => Record<string, unknown>>;
}

/**
 * Pulumi mocks that record every registered resource and invoke, answer with deterministic fake
 * outputs, and refuse invokes nobody expected (so a component that starts reading a new data
 * source fails its tests until the test says what the tenant would answer).
 */
export class RecordingMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    readonly invokes: pulumi.runtime.MockCallArgs[] = [];

    constructor(private readonly options: RecordingMocksOptions = {}) {}

    reset(): void {
        this.resources.length = 0;
        this.invokes.length = 0;
    }

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> {
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, custom: args.custom });
        if (args.type.startsWith("pulumi-nodejs:dynamic") && (this.options.dynamic ?? "real") === "real") {
            const { __provider: serialized, ...inputs } = args.inputs;
            const provider = loadSerializedProvider(serialized);
            const created = await provider.create(inputs);
            return { id: created.id, state: { ...inputs, ...created.outs } };
        }
        return {
            id: fakeId(args.type, args.name, args.inputs),
            state: { ...args.inputs, ...fakeComputedOutputs(args.type, args.name, args.inputs) },
        };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        this.invokes.push(args);
        const handler = this.options.invokes?.[args.token] ?? fakeInvokes[args.token];
        if (!handler) {
            throw new Error(`unexpected invoke ${args.token}`);
        }
        return handler(args.inputs);
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The one resource with this type and name; fails when there is none or several. */
    one(type: string, name: string): RecordedResource {
        const found = this.resources.filter((r) => r.type === type && r.name === name);
        if (found.length !== 1) {
            throw new Error(`expected exactly one ${type} named ${name}, found ${found.length}; registered: ${this.describe()}`);
        }
        return found[0];
    }

    /** `type name` per registered resource, for assertion messages (never inputs: they may hold keys). */
    describe(): string {
        return this.resources.map((r) => `${r.type} ${r.name}`).join(", ");
    }
}
