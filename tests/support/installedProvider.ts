import { builtinModules } from "node:module";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks } from "./mocks";
import { valueOf } from "./outputs";
import type { RuntimeProject } from "./runtimeProject";

// A dynamic provider's text as a consumer's deploy registers it. Pulumi serializes a reference to a
// module of an installed package as `require("<package>/<path>")` and a module of the program's own
// as its value, so the text serialized from this repository's sources (tests/support/sweepProvider.ts)
// does not show what a consumer's host must resolve. Here the resource's module is loaded from the
// package as installed in a consumer's project (runtimeProject.ts), into this process and its
// Pulumi SDK, under mocks that record what it registers.

/**
 * Declares a resource with `declare`, given the package module `module` (e.g. "vaultKey/resource")
 * from the package installed in `project`, and returns the `__provider` text it registered.
 */
export async function providerRegisteredFromPackage<Module>(project: RuntimeProject, module: string, declare: (installed: Module) => pulumi.CustomResource): Promise<string> {
    const mocks = new RecordingMocks({ dynamic: "none" });
    await pulumi.runtime.setMocks(mocks, "vendor-connections", "test");
    const resource = declare(require(join(project.packageDir, "dist", module)) as Module);
    const urn = await valueOf(resource.urn);
    const registered = mocks.resources.find((r) => urn.endsWith(`::${r.name}`) && urn.includes(r.type));
    if (registered === undefined) {
        throw new Error(`${urn} was not registered; declared: ${mocks.describe()}`);
    }
    return registered.inputs.__provider as string;
}

/** The modules serialized provider text requires that are not Node's built-ins. */
export function nonBuiltinRequires(serialized: string): string[] {
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    return [...serialized.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]).filter((name) => !builtins.has(name));
}
