// A dynamic resource ships its provider's code to the deploy engine: the Pulumi SDK serializes the
// provider's closure when the first such resource is constructed, which loads the TypeScript
// compiler to parse function text and walks the module graph (about 0.3 s here, more than the
// whole rest of planning the example stack). The offline plan never runs a provider (its engine
// answers from the inputs), so `npm run plan` does without the code (issue 6, item 2: start-up).
// The tests keep serializing for real: tests/support/mocks.ts loads the serialized certificate
// provider and issues with it, so a closure that cannot be shipped still fails `npm test`.

/** What a dynamic resource registers as its provider when the plan skips serialization. */
export const OFFLINE_PROVIDER_TEXT = "(not serialized: the offline plan runs no provider)";

// The SDK's closure serializer. @pulumi/pulumi's dynamic module looks up its serializeFunction
// each time it serializes a provider, so replacing that export is enough.
const SERIALIZER_MODULE = "@pulumi/pulumi/runtime/closure/serializeClosure";

/**
 * Makes dynamic resources register OFFLINE_PROVIDER_TEXT instead of their serialized provider, for
 * the rest of this process. Returns false, changing nothing, if this SDK version keeps its
 * serializer elsewhere: the plan is then only slower.
 */
export function skipProviderSerialization(): boolean {
    let serializer: { serializeFunction?: unknown };
    try {
        serializer = require(SERIALIZER_MODULE);
    } catch {
        return false;
    }
    if (typeof serializer.serializeFunction !== "function") {
        return false;
    }
    serializer.serializeFunction = async () => ({ text: OFFLINE_PROVIDER_TEXT, containsSecrets: false });
    return true;
}
