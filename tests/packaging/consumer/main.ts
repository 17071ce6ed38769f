// A program that uses vendor-connections the way another stack would: through the package's public
// import, compiled against its .d.ts files and run as plain JavaScript under Pulumi's mocks. The
// packaging test (tests/packaging/package.test.ts) copies it into a consumer project that has only
// the packed tarball and the package's declared dependencies. It prints one JSON summary line (no
// key material) for the test to check, or exits non-zero with the failure.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { VendorConnection, VendorVault } from "vendor-connections";

const TENANT_ID = "00000000-0000-4000-a000-000000000001";
const SUBSCRIPTION_ID = "00000000-0000-4000-a000-000000000003";

/**
 * Runs a dynamic resource's serialized provider as Pulumi's dynamic provider host would, with
 * module resolution rooted at the host's place in this project's node_modules (the path itself,
 * not the real path of a symlinked SDK): the serialized code requires the library's modules by
 * package path, as `vendor-connections/dist/...`.
 */
function runSerializedProvider(serialized: string, inputs: Record<string, unknown>) {
    const requireFromString = createRequire(require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js"))("require-from-string");
    const hostEntry = join(process.cwd(), "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js");
    return requireFromString(serialized, hostEntry).handler().create(inputs);
}

const declared: string[] = [];
let sweepRuntime: string | undefined;

/**
 * The sweep reads a tenant, which this program has none of (tests/sweep/provider.test.ts runs it
 * against a stand-in Graph). What it needs from the package is checked here as its provider does
 * it: the runtime, by the package's exported name, from the project directory, loading with its
 * Azure dependencies as this project installed them.
 */
function loadSweepRuntime(): { id: string; state: Record<string, unknown> } {
    const fromProject = createRequire(join(process.cwd(), "vendor-connections-sweep.js"));
    sweepRuntime = fromProject.resolve("vendor-connections/sweep-provider-runtime");
    if (typeof fromProject(sweepRuntime).runSweep !== "function") {
        throw new Error(`${sweepRuntime} has no runSweep`);
    }
    return { id: "sweep-id", state: { strays: [], removed: [], missing: [] } };
}

/** The directory and version of every copy of the Pulumi SDK this process loaded a module of. */
function loadedSdkCopies(): { dir: string; version: string }[] {
    const copies = new Map<string, string>();
    for (const file of Object.keys(require.cache)) {
        for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
            let manifest: { name?: unknown; version?: string } | undefined;
            try {
                manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
            } catch {
                continue; // no package.json here: look further up
            }
            if (typeof manifest?.name === "string") {
                if (manifest.name === "@pulumi/pulumi") {
                    copies.set(dir, manifest.version ?? "");
                }
                break;
            }
        }
    }
    return [...copies].map(([dir, version]) => ({ dir, version }));
}

const mocks: pulumi.runtime.Mocks = {
    async newResource(args) {
        declared.push(args.type);
        if (args.type === "pulumi-nodejs:dynamic/vendor-connections:Sweep") {
            return loadSweepRuntime();
        }
        if (args.type.startsWith("pulumi-nodejs:dynamic")) {
            const { __provider: serialized, ...inputs } = args.inputs;
            const created = await runSerializedProvider(serialized, inputs);
            return { id: created.id, state: { ...inputs, ...created.outs } };
        }
        const outputs: Record<string, unknown> =
            {
                "azure-native:keyvault:Vault": {
                    name: args.inputs.vaultName,
                    properties: { ...args.inputs.properties, vaultUri: `https://${args.inputs.vaultName}.vault.azure.net/` },
                },
                "azure-native:keyvault:Secret": {
                    name: args.inputs.secretName,
                    properties: { secretUri: `https://${args.inputs.vaultName}.vault.azure.net/secrets/${args.inputs.secretName}` },
                },
                "azuread:index/application:Application": { clientId: "00000000-0000-4000-a000-00000000000a" },
            }[args.type] ?? {};
        // The connection scopes its role assignments from the vault's ARM id.
        const id =
            args.type === "azure-native:keyvault:Vault"
                ? `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${args.inputs.resourceGroupName}/providers/Microsoft.KeyVault/vaults/${args.inputs.vaultName}`
                : `${args.name}-id`;
        return { id, state: { ...args.inputs, ...(outputs as object) } };
    },
    call(args) {
        switch (args.token) {
            case "azure-native:authorization:getClientConfig":
                return { tenantId: TENANT_ID, objectId: "00000000-0000-4000-a000-000000000002", subscriptionId: SUBSCRIPTION_ID, clientId: "c" };
            case "azuread:index/getClientConfig:getClientConfig":
                return { tenantId: TENANT_ID, objectId: "00000000-0000-4000-a000-000000000002", clientId: "c" };
            case "azuread:index/getServicePrincipal:getServicePrincipal":
                return { clientId: args.inputs.clientId, objectId: "00000000-0000-4000-a000-000000000004", appRoleIds: {} };
            default:
                throw new Error(`unexpected invoke ${args.token}`);
        }
    },
};

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

async function main(): Promise<void> {
    await pulumi.runtime.setMocks(mocks, "consumer", "test", false);
    const vault = new VendorVault("vendors", { resourceGroupName: "rg-consumer", location: "westeurope", vaultName: "kv-consumer" });
    const backup = new VendorConnection("backup", {
        permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }],
        certificate: { lifetime: "P14D" },
        readers: ["2c9e8d7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f"],
        vault,
        now: "2026-12-01T09:00:00Z",
    });
    const [vaultUri, tenantId, secretName, secretUri, certificates] = await Promise.all([
        valueOf(vault.vaultUri),
        valueOf(vault.tenantId),
        valueOf(backup.secretName),
        valueOf(backup.secretUri),
        valueOf(backup.certificates),
    ]);
    // Registrations are answered asynchronously: list them once the program has nothing left to do.
    process.once("beforeExit", () => {
        console.log(
            JSON.stringify({ vaultUri, tenantId, secretName, secretUri, certificates, declared: [...new Set(declared)].sort(), sdkCopies: loadedSdkCopies(), sweepRuntime }),
        );
    });
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
});
