import * as pulumi from "@pulumi/pulumi";

// Component inputs as Pulumi's engine hands them to a component provider: a protobuf Struct, which
// the provider's server (@pulumi/pulumi/provider/server) deserializes before construct. A plain
// value arrives as it was written; a secret, or a value with dependencies, arrives as an output.

// Internal to the SDK: the provider server's deserialization, and protobuf's Struct.
const { deserializeInputs } = require("@pulumi/pulumi/provider/server") as {
    deserializeInputs(struct: unknown, dependencies: ReadonlyMap<string, unknown>): Promise<pulumi.Inputs>;
};
const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as { Struct: { fromJavaScript(value: unknown): unknown } };

/** `inputs` sent to a component provider, as its construct receives them. */
export function fromTheWire(inputs: Record<string, unknown>): Promise<pulumi.Inputs> {
    return deserializeInputs(Struct.fromJavaScript(inputs), new Map());
}

/** `value` marked secret, as another language's SDK sends a secret input. */
export function secretOnTheWire(value: unknown): Record<string, unknown> {
    return { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value };
}
