import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as resources from "@pulumi/azure-native/resources";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { OfflineEngine, settle } from "../cli/plan/offlineEngine";
import { evaluateStackProgram, generatedStackConfig } from "./generatedStack";
import { elapsed, reportToParent } from "./measure";

// One measurement of bench/scale.ts, run in a process of its own (see runInChild):
//   scaleChild.ts stack <connections>   the stack program (index.ts) with that many connections
//   scaleChild.ts bare <resources>      a bare program registering that many plain resources
//   scaleChild.ts typed <counts JSON>   a bare program registering, by type token, as many resources
//                                       of the stack's own types (minimal inputs, no components'
//                                       logic, no outputs read) as the stack registered
// Both run under the offline mock engine that `npm run plan` uses. Only evaluation is timed: the
// modules are loaded first (bench/startup.ts measures start-up), and the clock stops once every
// registration has been answered (settle), as the engine waits for a program before it finishes.

export interface ScaleSample {
    /** Wall milliseconds from the program's start to the last registration answered. */
    readonly ms: number;
    /** Resources the program registered (components included). */
    readonly resources: number;
    /** How many of them of each type token. */
    readonly types: Readonly<Record<string, number>>;
    /** Peak resident set size of the whole process, bytes. */
    readonly peakRss: number;
    /** Resident set size before the program started, bytes: the process and its loaded modules. */
    readonly rssBefore: number;
}

const DEPLOY_INSTANT = new Date("2026-11-10T09:00:00Z");

async function main(kind: string, countText: string): Promise<void> {
    const count = Number(countText);
    const engine = new OfflineEngine();
    await pulumi.runtime.setMocks(engine, "vendor-connections", "bench", false);
    let program: () => Promise<void>;
    if (kind === "stack") {
        pulumi.runtime.setAllConfig(generatedStackConfig(count));
        // Loads the library's modules untimed; the program below evaluates index.ts afresh.
        require("../components");
        program = async () => {
            const stack = evaluateStackProgram(DEPLOY_INSTANT);
            await new Promise((done) => stack.inventory.apply(done));
            await settle();
        };
    } else if (kind === "bare") {
        program = async () => {
            declarePlainResources(count);
            await settle();
        };
    } else if (kind === "typed") {
        const counts: Record<string, number> = JSON.parse(countText);
        program = async () => {
            declareTypedResources(counts);
            await settle();
        };
    } else {
        throw new Error(`scaleChild: unknown kind ${kind}; use stack, bare or typed.`);
    }
    const rssBefore = process.memoryUsage.rss();
    const ms = await elapsed(program);
    const types: Record<string, number> = {};
    for (const { type } of engine.declared) {
        types[type] = (types[type] ?? 0) + 1;
    }
    const sample: ScaleSample = { ms, resources: engine.declared.length, types, peakRss: process.resourceUsage().maxRSS * 1024, rssBefore };
    reportToParent(sample);
}

/** Pulumi's own per-resource cost: plain custom resources with a few inputs and no outputs used. */
function declarePlainResources(count: number): void {
    for (let i = 0; i < count; i++) {
        new PlainResource(`plain-${i}`, { index: i, label: `plain resource ${i}`, enabled: true });
    }
}

/**
 * Pulumi's per-resource cost for the stack's own resource types: a typed SDK resource allocates an
 * Output per output property (an azuread Application has about 60), and that, not a resource
 * count, is most of an evaluation's work. Components are plain ComponentResources here.
 */
function declareTypedResources(counts: Readonly<Record<string, number>>): void {
    for (const [type, count] of Object.entries(counts)) {
        for (let i = 0; i < count; i++) {
            const name = `typed-${i}`;
            const declare = TYPED_RESOURCES[type];
            if (declare !== undefined) {
                declare(name);
            } else {
                new pulumi.ComponentResource(type, name, {});
            }
        }
    }
}

/** Each custom type the stack declares, with its required inputs only. */
const TYPED_RESOURCES: Readonly<Record<string, (name: string) => pulumi.Resource>> = {
    "azuread:index/application:Application": (name) => new azuread.Application(name, { displayName: name }),
    "azuread:index/servicePrincipal:ServicePrincipal": (name) => new azuread.ServicePrincipal(name, { clientId: name }),
    "azuread:index/applicationCertificate:ApplicationCertificate": (name) => new azuread.ApplicationCertificate(name, { applicationId: name, value: name }),
    "azuread:index/appRoleAssignment:AppRoleAssignment": (name) => new azuread.AppRoleAssignment(name, { appRoleId: name, principalObjectId: name, resourceObjectId: name }),
    "azure-native:keyvault:Secret": (name) => new keyvault.Secret(name, { resourceGroupName: name, vaultName: name, properties: { value: name } }),
    "azure-native:keyvault:Vault": (name) => new keyvault.Vault(name, { resourceGroupName: name, properties: { tenantId: name, sku: { family: "A", name: "standard" } } }),
    "azure-native:authorization:RoleAssignment": (name) => new authorization.RoleAssignment(name, { principalId: name, roleDefinitionId: name, scope: name }),
    "azure-native:resources:ResourceGroup": (name) => new resources.ResourceGroup(name, {}),
    // A dynamic resource with the certificate's outputs and a provider that does nothing.
    "pulumi-nodejs:dynamic/vendor-connections:Certificate": (name) => new NoopDynamicResource(name),
};

// The SDK's resource classes are abstract: a program always declares a subclass.
class PlainResource extends pulumi.CustomResource {
    constructor(name: string, inputs: pulumi.Inputs) {
        super("bench:index:Plain", name, inputs);
    }
}

const NOOP_PROVIDER: pulumi.dynamic.ResourceProvider = {
    async create() {
        return { id: "noop" };
    },
};

class NoopDynamicResource extends pulumi.dynamic.Resource {
    constructor(name: string) {
        super(NOOP_PROVIDER, name, { ...CERTIFICATE_OUTPUTS }, {});
    }
}

const CERTIFICATE_OUTPUTS = Object.fromEntries(
    [
        "certificatePem",
        "privateKeyPem",
        "pfxBase64",
        "thumbprintSha1",
        "thumbprintSha256",
        "serialNumber",
        "notBefore",
        "notAfter",
        "issuedAt",
        "identity",
        "commonName",
        "organization",
        "keySize",
    ].map((output) => [output, undefined]),
);

main(process.argv[2], process.argv[3]).catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exitCode = 1;
});
