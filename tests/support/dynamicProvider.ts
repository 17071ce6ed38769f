import { createRequire } from "node:module";
import type * as pulumi from "@pulumi/pulumi";

// Loads a dynamic provider from the text a dynamic resource registers as its `__provider` input,
// exactly as Pulumi's dynamic provider host does under `pulumi up`
// (@pulumi/pulumi/cmd/dynamic-provider: `requireFromString(text).handler()`), and with module
// resolution rooted where the host runs. A closure that captured something unserializable, or
// that requires a module the host cannot resolve, fails here as it would in a real deploy.
const hostEntry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js");
const requireFromHost = createRequire(hostEntry);
const requireFromString: (code: string, filename?: string) => { handler(): pulumi.dynamic.ResourceProvider } = requireFromHost("require-from-string");

export function loadSerializedProvider(serialized: string): pulumi.dynamic.ResourceProvider {
    return requireFromString(serialized, hostEntry).handler();
}
