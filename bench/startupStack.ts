import { resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { readStackConfigFile } from "../cli/plan/configFile";
import { OfflineEngine, settle } from "../cli/plan/offlineEngine";

// The example stack program (index.ts) with Pulumi.dev.yaml, as `pulumi up` loads it, under the
// offline mock engine instead of the Pulumi engine (bench/startup.ts). Whoever starts this process
// decides how TypeScript is loaded, as Pulumi's Node.js host does from Pulumi.yaml.

async function main(): Promise<void> {
    const root = resolve(__dirname, "..");
    const stackConfig = readStackConfigFile(resolve(root, "Pulumi.dev.yaml"));
    await pulumi.runtime.setMocks(new OfflineEngine(), "vendor-connections", stackConfig.stack, false);
    pulumi.runtime.setAllConfig(stackConfig.config);
    require(resolve(root, "index.ts"));
    await settle();
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
});
