import { createRequire } from "node:module";
import { join } from "node:path";

// How this package's serialized dynamic providers (the Sweep's, the vault-key resources') reach the
// code they cannot carry. Pulumi serializes a provider's methods with every function they reach
// and runs them in its dynamic provider host: a separate Node.js process, started in the
// consumer's project directory, without TypeScript. A method that needs the Azure SDK therefore
// loads this package's compiled runtime by name from there, where the package is installed, and the
// runtime's own `require("@azure/...")` resolves from the package's real location.
//
// The rule this imposes on a provider module: its methods may reach Node's built-ins, functions
// and constants of its own module, and this function, each held in a constant of that module.
// A reference into another module of the package (`otherModule.NAME`) is serialized, in a
// consumer's deploy, as `require("vendor-connections/dist/...")`, which the package's `exports`
// refuse. tests/support/runtimeProject.ts serializes the providers from the package as a consumer
// installs it, and their tests check that they require nothing else.

/**
 * The runtime `specifier` (`vendor-connections/<name>-provider-runtime`) as the project in the
 * working directory resolves it. Fails saying who needs it (`subject`) and how to make it loadable, with
 * `orElse`, a way to do without it, when there is one.
 */
export function loadProviderRuntime<Runtime>(specifier: string, subject: string, orElse = ""): Runtime {
    const fromProject = createRequire(join(process.cwd(), "vendor-connections-provider.js"));
    let entry: string;
    try {
        entry = fromProject.resolve(specifier);
    } catch (err) {
        throw new Error(
            `${subject} cannot load ${specifier} from ${process.cwd()}, the directory Pulumi runs this stack's providers in ` +
                `(${err instanceof Error ? err.message.split("\n")[0] : String(err)}). Install vendor-connections in that project ` +
                `(in the vendor-connections repository itself, run "npm run build" first)${orElse}.`,
        );
    }
    return fromProject(entry) as Runtime;
}
