import { resolve } from "node:path";
import type { ConnectionConfig } from "../cli/config/schema";
import { PROJECT } from "../cli/config/stackConfig";
import { setDeployInstant } from "../components/vendorConnection/clock";

// The example stack program (index.ts) driven by a generated configuration of any number of
// connections, for the scale and blast-radius benchmarks. The connections vary as the example
// stack's do (Exchange or Graph permissions, one vendor reader each) so that every one declares
// what a real connection declares: application, service principal, certificates, key
// credentials, vault secret, reader role assignment and admin consent.

const STACK_PROGRAM = resolve(__dirname, "..", "index.ts");

/** The name of the i-th generated connection (zero-padded, so names sort in declaration order). */
export function connectionName(index: number): string {
    return `vendor-${String(index).padStart(4, "0")}`;
}

/** A reader GUID unique to the i-th connection, as each vendor has its own identity. */
function readerOf(index: number): string {
    return `7d4f1c2a-3b5e-4c6d-8e9f-${index.toString(16).padStart(12, "0")}`;
}

function generatedConnection(index: number): ConnectionConfig {
    const permissions =
        index % 2 === 0 ? [{ api: "Office365ExchangeOnline", roles: ["full_access_as_app"] }] : [{ api: "MicrosoftGraph", roles: ["User.Read.All", "Files.Read.All"] }];
    return { displayName: `Vendor ${index}`, permissions, readers: [readerOf(index)] };
}

/**
 * The stack configuration (`project:key` to string, as Pulumi hands it to a program) of `count`
 * generated connections; `override` changes chosen connections' settings.
 */
export function generatedStackConfig(count: number, override: (name: string, settings: ConnectionConfig) => ConnectionConfig = (_, settings) => settings): Record<string, string> {
    const connections: Record<string, ConnectionConfig> = {};
    for (let i = 0; i < count; i++) {
        const name = connectionName(i);
        connections[name] = override(name, generatedConnection(i));
    }
    const vault = { resourceGroupName: "rg-vendor-connections-bench", createResourceGroup: true, location: "westeurope", name: "kv-vendorconn-bench" };
    return {
        "azure-native:location": "westeurope",
        [`${PROJECT}:vault`]: JSON.stringify(vault),
        [`${PROJECT}:connections`]: JSON.stringify(connections),
    };
}

/**
 * Evaluates the stack program (index.ts) afresh for a deploy at `at`, as `pulumi up` runs it
 * once per deploy: mocks and config must already be set. Returns the program's exports.
 */
export function evaluateStackProgram(at: Date): { inventory: import("@pulumi/pulumi").Output<unknown> } {
    setDeployInstant(at);
    delete require.cache[require.resolve(STACK_PROGRAM)];
    return require(STACK_PROGRAM);
}
