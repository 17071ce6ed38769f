import Module from "node:module";
import { dirname } from "node:path";

// A dynamic resource ships its provider's code to the deploy engine: the Pulumi SDK serializes the
// provider's closure when the first such resource is constructed, which parses function text with
// the TypeScript compiler and reads the npm package tree (about 0.3 s here). Loading the SDK
// already costs as much again: its closure code loads that compiler and npm's tree reader up front
// (about 0.35 s, a third of planning the example stack). The offline plan never runs a provider
// (its engine answers from the inputs), so `npm run plan` does without both
// (docs/architecture.md#offline-plan-engine-and-loader). The tests keep serializing for real:
// tests/support/mocks.ts loads the serialized certificate provider and issues with it, so a closure
// that cannot be shipped still fails `npm test`.

/** What a dynamic resource registers as its provider when the plan skips serialization. */
export const OFFLINE_PROVIDER_TEXT = "(not serialized: the offline plan runs no provider)";

// The SDK's closure serializer. @pulumi/pulumi's dynamic module looks up its serializeFunction
// each time it serializes a provider, so replacing that export is enough.
const SERIALIZER_MODULE = "@pulumi/pulumi/runtime/closure/serializeClosure";

/**
 * What the SDK's closure code requires when it loads and uses only to serialize: the TypeScript
 * compiler (through the SDK's shim; parseFunction.js) and npm's package tree reader (codePaths.js),
 * each resolved from the module that requires it.
 */
const SERIALIZER_ONLY_MODULES: readonly { readonly request: string; readonly from: string }[] = [
    { request: "@pulumi/pulumi/typescript-shim", from: "@pulumi/pulumi/runtime/closure/parseFunction" },
    { request: "@npmcli/arborist", from: "@pulumi/pulumi/runtime/closure/codePaths" },
];

/**
 * Makes dynamic resources register OFFLINE_PROVIDER_TEXT instead of their serialized provider, for
 * the rest of this process. Called before anything loads @pulumi/pulumi, it also defers loading
 * the modules only serialization needs until something uses them. Returns false if this SDK
 * version keeps its serializer elsewhere: providers are then serialized as usual (the deferred
 * modules load when that needs them), and the plan is only slower.
 */
export function skipProviderSerialization(): boolean {
    for (const { request, from } of SERIALIZER_ONLY_MODULES) {
        // One this SDK version does not have, or requires from elsewhere, is simply loaded as usual.
        const path = resolveFrom(request, from);
        if (path !== undefined) {
            deferLoading(path);
        }
    }
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

/** The file `request` names when `from` (a module id) requires it, or undefined if either is missing. */
function resolveFrom(request: string, from: string): string | undefined {
    try {
        return require.resolve(request, { paths: [dirname(require.resolve(from))] });
    } catch {
        return undefined;
    }
}

/**
 * Puts a stand-in for the module at `path` into the require cache, unless it is loaded already:
 * the real module loads on first use of any of its exports, and from then on the stand-in forwards
 * to it. Requiring the module costs nothing until then.
 */
function deferLoading(path: string): void {
    if (require.cache[path]) {
        return;
    }
    let loaded: object | undefined;
    const load = (): object => {
        if (!loaded) {
            delete require.cache[path]; // so that require loads the real module, once
            loaded = require(path) as object;
        }
        return loaded;
    };
    const standIn = new Module(path);
    standIn.filename = path;
    standIn.loaded = true;
    standIn.exports = new Proxy(
        {},
        {
            // TypeScript's CommonJS interop (__importStar, as codePaths.js uses it) copies every
            // export of a module without this marker, which would load it at once.
            get: (_, key) => (key === "__esModule" ? true : Reflect.get(load(), key)),
            has: (_, key) => Reflect.has(load(), key),
        },
    );
    require.cache[path] = standIn;
}
