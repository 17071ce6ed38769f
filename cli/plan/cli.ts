// `npm run plan`: evaluates the example stack (index.ts) under the Pulumi mock engine with a stack
// configuration file and prints what `pulumi up` would declare and rotate at a given instant.
// Offline and deterministic: no Azure, no Pulumi CLI, no key generation.
// First: the plan never runs a provider, so it loads none of what serializing one needs.
import "./withoutProviderSerialization";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { ValidationError } from "../../components/errors";
import { findWellKnownApi } from "../../components/permissions";
import { parseRfc3339, toRfc3339 } from "../../components/time";
import { deployInstant, setDeployInstant } from "../../components/vendorConnection/clock";
import type { ConnectionInventory } from "../../components/vendorConnection/inventory";
import type { VaultFirewallPlan } from "../../components/vault/firewall";
import { readStackConfigFile } from "./configFile";
import { OfflineEngine, settle } from "./offlineEngine";
import { planReport, renderPlan } from "./report";

const USAGE = `usage: npm run plan -- [--config-file Pulumi.<stack>.yaml] [--at <RFC 3339 instant>] [--json]

  --config-file  stack configuration to plan (default: Pulumi.dev.yaml, the example stack)
  --at           deploy instant to plan for (default: VENDOR_CONNECTIONS_DEPLOY_INSTANT if set, else now),
                 e.g. 2026-12-01T09:00:00Z
  --json         print one JSON document instead of the table`;

const projectRoot = resolve(__dirname, "..", "..");

async function main(argv: string[]): Promise<number> {
    let options: { "config-file"?: string; at?: string; json?: boolean; help?: boolean };
    try {
        options = parseArgs({
            args: argv,
            options: {
                "config-file": { type: "string" },
                at: { type: "string" },
                json: { type: "boolean" },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
        }).values;
    } catch (err) {
        return fail([(err as Error).message, USAGE]);
    }
    if (options.help) {
        console.log(USAGE);
        return 0;
    }

    let at: Date | undefined;
    try {
        // Without --at, the instant a deploy from this shell would use: the pinned one, if any.
        at = options.at === undefined ? deployInstant() : parseRfc3339(options.at);
    } catch (err) {
        if (err instanceof ValidationError) {
            return fail([err.message]);
        }
        throw err;
    }
    if (!at) {
        return fail([`--at: ${JSON.stringify(options.at)} is not an RFC 3339 instant; use e.g. 2026-12-01T09:00:00Z.`]);
    }
    const configFile = resolve(options["config-file"] ?? resolve(projectRoot, "Pulumi.dev.yaml"));
    let stackConfig;
    try {
        stackConfig = readStackConfigFile(configFile);
    } catch (err) {
        return fail([(err as Error).message]);
    }

    const engine = new OfflineEngine({ appRoleIds: (clientId) => appRolesOf(clientId, stackConfig.config) });
    await pulumi.runtime.setMocks(engine, "vendor-connections", stackConfig.stack, false);
    pulumi.runtime.setAllConfig(stackConfig.config);
    setDeployInstant(at);

    let stack: { inventory: pulumi.Output<Record<string, ConnectionInventory>>; vaultFirewall: VaultFirewallPlan | null };
    try {
        stack = require(resolve(projectRoot, "index.ts"));
    } catch (err) {
        if (err instanceof pulumi.RunError || err instanceof ValidationError) {
            return fail([`${configFile}: ${err.message}`]);
        }
        throw err;
    }
    const inventory = await new Promise<Record<string, ConnectionInventory>>((done) => stack.inventory.apply(done));
    // Every declaration must have reached the engine before its list is printed.
    await settle();
    const report = planReport(toRfc3339(at), inventory, stack.vaultFirewall);
    console.log(options.json ? JSON.stringify(report, null, 2) : renderPlan(report, engine.declared, configFile));
    return 0;
}

// Offline, an API's roles are those our catalog knows, or for an API named by client id, the
// roles the configuration asks for (the real tenant decides at deploy time).
function appRolesOf(clientId: string, config: Record<string, string>): Record<string, string> {
    const known = findWellKnownApi(clientId);
    const catalog = known ? Object.fromEntries(Object.entries(known.roles).map(([value, role]) => [value, role.id])) : {};
    const connections = JSON.parse(config["vendor-connections:connections"] ?? "{}");
    const requested = Object.values<any>(connections).flatMap((c) =>
        (c?.permissions ?? []).filter((p: any) => String(p?.api).toLowerCase() === clientId.toLowerCase()).flatMap((p: any) => p.roles ?? []),
    );
    return { ...Object.fromEntries(requested.map((role: string) => [role, `(app role ${role} of ${clientId})`])), ...catalog };
}

function fail(lines: string[]): number {
    console.error(lines.join("\n"));
    return 1;
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (err) => {
        console.error(`plan failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 2;
    },
);
