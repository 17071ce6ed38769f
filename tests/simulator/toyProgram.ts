import * as pulumi from "@pulumi/pulumi";
import { Application } from "@pulumi/azuread/application";
import { ApplicationCertificate } from "@pulumi/azuread/applicationCertificate";

// A small program shaped like a vendor connection, for testing the simulator itself: a component
// with an Entra app, a dynamic "token" (a toy certificate), a key credential whose value comes from
// an apply over the token's output, a delete-before-replace secret, an optional extra child and a
// nested component.

// Counts creates by the in-process provider object. The closure serializer copies the variable's
// value (0) into the provider's text, afresh for every call, so a create that went through the
// serialized text reports serial 1 and leaves this module's `created` at 0.
let created = 0;

/** How many times the in-process provider object (not a deserialized copy) ran create. */
export function inProcessCreates(): number {
    return created;
}

const toyProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        // Required inside the method: Pulumi serializes this closure (docs/architecture.md#component-design-rules:
        // dynamic providers are self-contained).
        const crypto = require("crypto") as typeof import("crypto");
        created += 1;
        const digest = crypto.createHash("sha256").update(String(inputs.seed)).digest("hex");
        return {
            id: crypto.randomUUID(),
            outs: { seed: inputs.seed, digest, serial: created, sawProviderInput: typeof inputs.__provider === "string" },
        };
    },
    // Only the seed matters: a changed `note` is no change at all, as far as this provider says.
    async diff(_id, olds, news) {
        return olds.seed === news.seed ? { changes: false } : { changes: true, replaces: ["seed"] };
    },
};

export interface ToyTokenArgs {
    seed: pulumi.Input<string>;
    note?: pulumi.Input<string>;
}

export class ToyToken extends pulumi.dynamic.Resource {
    declare readonly seed: pulumi.Output<string>;
    declare readonly digest: pulumi.Output<string>;
    declare readonly serial: pulumi.Output<number>;
    declare readonly sawProviderInput: pulumi.Output<boolean>;

    constructor(name: string, args: ToyTokenArgs, opts?: pulumi.CustomResourceOptions) {
        super(toyProvider, name, { seed: args.seed, note: args.note, digest: undefined, serial: undefined, sawProviderInput: undefined }, opts, "toy", "Token");
    }
}

export const TOKEN_TYPE = "pulumi-nodejs:dynamic/toy:Token";
export const THING_TYPE = "toy:index:Thing";
export const CONNECTION_TYPE = "toy:index:Connection";
export const GROUP_TYPE = "toy:index:Group";

/** A plain custom resource with one computed output. */
export class ToyThing extends pulumi.CustomResource {
    declare readonly value: pulumi.Output<string>;
    declare readonly computed: pulumi.Output<string | undefined>;

    constructor(name: string, args: { value: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
        super(THING_TYPE, name, { value: args.value, computed: undefined }, opts);
    }
}

class ToyGroup extends pulumi.ComponentResource {
    readonly member: ToyThing;

    constructor(name: string, args: { value: pulumi.Input<string> }, opts?: pulumi.ComponentResourceOptions) {
        super(GROUP_TYPE, name, {}, opts);
        this.member = new ToyThing(`${name}-member`, { value: args.value }, { parent: this });
        this.registerOutputs({ member: this.member.id });
    }
}

export interface ToyConnectionArgs {
    seed: string;
    label: string;
    secretValue: string;
    startDate: string;
    endDate: string;
    /** Whether to declare the optional extra child. */
    extra?: boolean;
    /** The token's `note` input, which its provider's diff ignores. */
    note?: string;
    /** Protect the delete-before-replace secret. */
    protectSecret?: boolean;
}

export class ToyConnection extends pulumi.ComponentResource {
    readonly app: Application;
    readonly token: ToyToken;
    readonly certificate: ApplicationCertificate;
    readonly digest: pulumi.Output<string>;

    constructor(name: string, args: ToyConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super(CONNECTION_TYPE, name, {}, opts);
        this.app = new Application(`${name}-app`, { displayName: args.label }, { parent: this });
        this.token = new ToyToken(`${name}-token`, { seed: args.seed, note: args.note }, { parent: this });
        this.certificate = new ApplicationCertificate(
            `${name}-cert`,
            {
                applicationId: this.app.id,
                type: "AsymmetricX509Cert",
                encoding: "pem",
                value: this.token.digest.apply((d) => `CERT ${d}`),
                startDate: args.startDate,
                endDate: args.endDate,
            },
            { parent: this },
        );
        new ToyThing(`${name}-secret`, { value: pulumi.secret(args.secretValue) }, { parent: this, deleteBeforeReplace: true, protect: args.protectSecret });
        if (args.extra) {
            new ToyThing(`${name}-extra`, { value: args.label }, { parent: this });
        }
        new ToyGroup(`${name}-group`, { value: this.token.digest.apply((d) => d.slice(0, 8)) }, { parent: this });
        this.digest = this.token.digest;
        this.registerOutputs({ digest: this.digest });
    }
}

/** A program declaring one ToyConnection per entry. */
export function toyProgram(connections: Record<string, ToyConnectionArgs>): () => Record<string, pulumi.Output<string>> {
    return () => {
        const exports: Record<string, pulumi.Output<string>> = {};
        for (const [name, args] of Object.entries(connections)) {
            exports[`${name}Digest`] = new ToyConnection(name, args).digest;
        }
        return exports;
    };
}

/**
 * The shape of a vault secret that publishes a certificate and the key credential that registers
 * it: both take the token's digest, so both are ready the moment the token exists. With
 * `publishAfterRegister`, publish also depends on register explicitly.
 */
export function registerAndPublish(seed: string, publishAfterRegister: boolean): () => void {
    return () => {
        const token = new ToyToken("token", { seed });
        const register = new ToyThing("register", { value: token.digest });
        new ToyThing("publish", { value: token.digest }, publishAfterRegister ? { dependsOn: [register] } : {});
    };
}
