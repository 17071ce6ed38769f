import * as pulumi from "@pulumi/pulumi";

/**
 * Resolves an Output's value. Rejects, instead of hanging, when the value is unknown (anywhere
 * inside it), as outputs are in preview: an apply callback never runs on an unknown, so waiting
 * for one would last until the test's timeout. `pulumi.runtime.serializeProperty` (the SDK's
 * public serializer) waits for the output exactly as a resource registration would and gives
 * `pulumi.runtime.unknownValue` for what is unknown; only a known value is then read with apply.
 * Rejects as well when the output itself rejects. (A custom resource inside the value counts as
 * unknown while its id is, though apply would hand the resource over.)
 */
export async function valueOf<T>(input: pulumi.Input<T>): Promise<T> {
    const output = pulumi.output(input);
    const serialized = await pulumi.runtime.serializeProperty("valueOf", output);
    if (containsUnknown(serialized)) {
        throw new Error("valueOf: the value is unknown (as in preview), so no apply callback would ever see it");
    }
    return new Promise((resolve) => output.apply((value) => resolve(value as T)));
}

function containsUnknown(serialized: unknown): boolean {
    if (serialized === pulumi.runtime.unknownValue) {
        return true;
    }
    if (typeof serialized === "object" && serialized !== null) {
        return Object.values(serialized).some(containsUnknown);
    }
    return false;
}

/** Whether an Output is marked secret. */
export function isSecret<T>(output: pulumi.Output<T>): Promise<boolean> {
    return pulumi.isSecret(output);
}
