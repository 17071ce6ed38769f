import * as assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as semver from "semver";
import { parse as parseYaml } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { RecordingMocks, RecordedResource } from "../support/mocks";
import { settle } from "../support/settle";
import { codeBlocks, markdownSection } from "../support/markdown";
import { valueOf } from "../support/outputs";
import { FAKE_DEPLOYER_OBJECT_ID, FAKE_SUBSCRIPTION_ID } from "../support/fakes";
import { fromTheWire, secretOnTheWire } from "./wire";
import { startPluginHost } from "./pluginHost";

// The component package (plugin/) as Pulumi's Node.js plugin host runs it for a Python, C#, Go,
// Java or YAML program, in this process and without the Pulumi CLI: the host loads the entry
// package.json names, offers every ComponentResource class it exports, and builds Pulumi's
// ComponentProvider over the directory. That provider infers the schema from the TypeScript
// (getSchema, which other languages' SDKs are generated from) and constructs a component from the
// inputs another language sends (construct). The schema is compared with the reviewed copy in
// tests/plugin/schema.json, so that any change of the components' API shows in review: after an
// intended change, `UPDATE_SCHEMA=1` and this file rewrite it.

const ROOT = resolve(__dirname, "..", "..");
const PLUGIN = join(ROOT, "plugin");
const SNAPSHOT = join(__dirname, "schema.json");
const CONNECTION = "vendor-connections:index:VendorConnection";
const VAULT = "vendor-connections:index:VendorVault";

interface Property {
    readonly description?: string;
    readonly $ref?: string;
    readonly items?: Property;
    readonly additionalProperties?: Property;
}
interface Schema {
    readonly name: string;
    readonly version: string;
    readonly resources: Record<
        string,
        { inputProperties: Record<string, Property>; requiredInputs: string[]; properties: Record<string, Property>; required: string[]; description?: string }
    >;
    readonly types: Record<string, { properties?: Record<string, Property>; enum?: { name: string; value: string; description?: string }[] }>;
}

function readJson(path: string) {
    return JSON.parse(readFileSync(path, "utf8"));
}

/** The provider the plugin host builds for plugin/: named by its package.json, serving what its entry exports. */
function hostedProvider(): { provider: ComponentProvider; exported: string[] } {
    // As cmd/run-plugin does: the entry by package.json `main`, the name without an npm scope.
    const entry = require(PLUGIN);
    const components = getPulumiComponents(entry);
    const name = (readJson(join(PLUGIN, "package.json")).name as string).replace(/^@[^/]+\//, "");
    return { provider: new ComponentProvider({ name, dirname: PLUGIN, components }), exported: components.map((c) => c.name) };
}

describe("the component package (plugin/), as other Pulumi languages use it", function () {
    // The schema analysis compiles the components' TypeScript with the SDKs' declarations: a few seconds.
    this.timeout(120_000);
    const mocks = new RecordingMocks({ dynamic: "none" });
    let provider: ComponentProvider;
    let exported: string[];
    let schema: Schema;
    let components: typeof import("../../components");

    before(async () => {
        await pulumi.runtime.setMocks(mocks, "vendor-connections", "test");
        components = await import("../../components");
        mocks.reset();
        ({ provider, exported } = hostedProvider());
        await settle();
        schema = JSON.parse(await provider.getSchema());
        if (process.env.UPDATE_SCHEMA === "1") {
            writeFileSync(SNAPSHOT, `${JSON.stringify(schema, null, 4)}\n`);
        }
    });
    beforeEach(() => mocks.reset());

    describe("the package", () => {
        it("loads the entry, which declares nothing and offers exactly the two components", () => {
            assert.deepEqual(mocks.resources, [], "loading the entry declared resources");
            assert.deepEqual(exported, ["VendorConnection", "VendorVault"]);
        });

        it("is the library's own package: same name, version and description; installed with the repository's dependencies", () => {
            const root = readJson(join(ROOT, "package.json"));
            const plugin = readJson(join(PLUGIN, "package.json"));
            assert.deepEqual([plugin.name, plugin.version, plugin.description], [root.name, root.version, root.description]);
            assert.equal(plugin.main, "index.js");
            assert.equal(plugin.dependencies, undefined, "the plugin has no dependencies of its own");
            // Pulumi installs a plugin's dependencies at the npm workspace root it belongs to.
            assert.deepEqual(root.workspaces, ["plugin"]);
            assert.match(readFileSync(join(PLUGIN, "PulumiPlugin.yaml"), "utf8"), /^runtime: nodejs$/m);
        });

        it("runs on the repository's @pulumi/pulumi, newer than the library's peer range asks: the one whose analyzer made the schema", () => {
            const root = readJson(join(ROOT, "package.json"));
            const hosting = root.devDependencies["@pulumi/pulumi"];
            assert.ok(semver.gte(semver.minVersion(hosting)!, "3.248.0"), `the plugin's SDK ${hosting} has the component provider the schema was reviewed with`);
            assert.ok(semver.lt(semver.minVersion(root.peerDependencies["@pulumi/pulumi"])!, "3.248.0"), "the library itself asks less");
            // The plugin's folder resolves the repository's one copy: the library's.
            assert.equal(require.resolve("@pulumi/pulumi", { paths: [PLUGIN] }), require.resolve("@pulumi/pulumi", { paths: [join(ROOT, "components")] }));
            const installed = readJson(require.resolve("@pulumi/pulumi/package.json", { paths: [PLUGIN] })).version;
            assert.ok(semver.satisfies(installed, hosting), `installed ${installed} is in ${hosting}`);
        });
    });

    it("is served by Pulumi's plugin host, started from a program's folder without TypeScript settings as the Pulumi CLI starts it", async () => {
        const host = await startPluginHost(PLUGIN, 100_000);
        try {
            assert.equal(await host.version(), readJson(join(PLUGIN, "package.json")).version);
        } finally {
            host.stop();
        }
    });

    describe("getSchema", () => {
        it("is the reviewed schema (tests/plugin/schema.json)", () => {
            assert.deepEqual(schema, readJson(SNAPSHOT), "the components' schema changed: review it, then UPDATE_SCHEMA=1 and this file rewrite the copy");
        });

        it("keeps the type tokens, so that deployed components keep their URNs", () => {
            assert.equal(schema.name, "vendor-connections");
            assert.deepEqual(Object.keys(schema.resources).sort(), [CONNECTION, VAULT]);
        });

        it("has every argument of VendorConnection as an input, permissions required", () => {
            const connection = schema.resources[CONNECTION];
            assert.deepEqual(Object.keys(connection.inputProperties).sort(), [
                "allowedIpRanges",
                "allowedIpRangesState",
                "certificate",
                "credential",
                "deployerObjectId",
                "displayName",
                "grantConsent",
                "notes",
                "notify",
                "now",
                "owners",
                "permissions",
                "readerIpRanges",
                "readers",
                "revokeIssuedBefore",
                "secretName",
                "suspended",
                "sweep",
                "vault",
            ]);
            assert.deepEqual(connection.requiredInputs, ["permissions"]);
        });

        it("has every output of VendorConnection, those of every connection required", () => {
            const connection = schema.resources[CONNECTION];
            assert.deepEqual(
                Object.keys(connection.properties).sort(),
                [
                    "activeThumbprint",
                    "applicationClientId",
                    "applicationObjectId",
                    "broadPermissions",
                    "certificates",
                    "activeKeyId",
                    "activeThumbprintSha256",
                    "displayName",
                    "keyUri",
                    "nextRotation",
                    "secretName",
                    "secretUri",
                    "servicePrincipalObjectId",
                    "strays",
                ].sort(),
            );
            assert.deepEqual(connection.required, [
                "applicationClientId",
                "applicationObjectId",
                "broadPermissions",
                "certificates",
                "displayName",
                "servicePrincipalObjectId",
                "strays",
            ]);
        });

        it("has every argument and output of VendorVault", () => {
            const vault = schema.resources[VAULT];
            assert.deepEqual(Object.keys(vault.inputProperties).sort(), [
                "allowedIpRanges",
                "auditLogWorkspaceId",
                "createResourceGroup",
                "deployerObjectId",
                "deployerPrincipalType",
                "eventNotifications",
                "location",
                "resourceGroupName",
                "sku",
                "softDeleteRetentionInDays",
                "tags",
                "vaultKeyCredentials",
                "vaultName",
            ]);
            assert.deepEqual(vault.requiredInputs, ["resourceGroupName"]);
            assert.deepEqual(Object.keys(vault.properties).sort(), [
                "allowedIpRanges",
                "keySignerRoleDefinitionId",
                "resourceGroupName",
                "sku",
                "systemTopicName",
                "tenantId",
                "vaultId",
                "vaultName",
                "vaultUri",
            ]);
            assert.deepEqual(vault.required, ["resourceGroupName", "sku", "tenantId", "vaultId", "vaultName", "vaultUri"]);
        });

        it("takes the vault by reference, and literal choices as enums", () => {
            const inputs = schema.resources[CONNECTION].inputProperties;
            assert.equal(inputs.vault.$ref, "#/types/vendor-connections:index:VaultReference");
            assert.deepEqual(Object.keys(schema.types["vendor-connections:index:VaultReference"].properties!).sort(), [
                "allowedIpRanges",
                "keySignerRoleDefinitionId",
                "resourceGroupName",
                "sku",
                "systemTopicName",
                "vaultId",
                "vaultName",
                "vaultUri",
            ]);
            assert.deepEqual(
                schema.types["vendor-connections:index:AllowedIpRangesState"].enum!.map((member) => [member.name, member.value]),
                [
                    ["Enabled", "enabled"],
                    ["ReportOnly", "reportOnly"],
                ],
            );
            assert.deepEqual(
                schema.types["vendor-connections:index:CredentialType"].enum!.map((member) => [member.name, member.value]),
                [
                    ["Certificate", "certificate"],
                    ["Federated", "federated"],
                    ["VaultKey", "vaultKey"],
                ],
            );
            assert.deepEqual(
                schema.types["vendor-connections:index:VaultSku"].enum!.map((member) => [member.name, member.value]),
                [
                    ["Standard", "standard"],
                    ["Premium", "premium"],
                ],
            );
            assert.deepEqual(
                schema.types["vendor-connections:index:SweepMode"].enum!.map((member) => [member.name, member.value]),
                [
                    ["Enforce", "enforce"],
                    ["Report", "report"],
                    ["Off", "off"],
                ],
            );
        });

        it("describes every component, input, output, property of a type and enum member, from the doc comments", () => {
            const undescribed: string[] = [];
            const check = (where: string, property: Property) => {
                if (!property.description?.trim()) {
                    undescribed.push(where);
                }
            };
            for (const [token, resource] of Object.entries(schema.resources)) {
                check(token, resource);
                Object.entries(resource.inputProperties).forEach(([key, property]) => check(`${token} input ${key}`, property));
                Object.entries(resource.properties).forEach(([key, property]) => check(`${token} output ${key}`, property));
            }
            for (const [token, type] of Object.entries(schema.types)) {
                Object.entries(type.properties ?? {}).forEach(([key, property]) => check(`${token}.${key}`, property));
                (type.enum ?? []).forEach((member) => check(`${token} ${member.name}`, member));
            }
            assert.deepEqual(undescribed, []);
        });
    });

    describe("the examples of docs/languages.md", () => {
        const section = markdownSection("docs/languages.md", "Adding the package");
        /** Every property name an argument of the package may have, at any depth. */
        const argumentNames = () =>
            new Set([
                ...Object.values(schema.resources).flatMap((resource) => Object.keys(resource.inputProperties)),
                ...Object.values(schema.types).flatMap((type) => Object.keys(type.properties ?? {})),
            ]);
        const outputNames = () => new Set(Object.values(schema.resources).flatMap((resource) => Object.keys(resource.properties)));
        const camel = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()).replace(/^[A-Z]/, (letter) => letter.toLowerCase());

        it("YAML: types, properties at every depth and outputs the schema has", () => {
            const [block] = codeBlocks(section, "yaml");
            const program = parseYaml(block) as { resources: Record<string, { type: string; properties: Record<string, unknown> }>; outputs: Record<string, string> };
            const check = (value: unknown, properties: Record<string, Property>, path: string) => {
                for (const [key, given] of Object.entries(value as Record<string, unknown>)) {
                    assert.ok(key in properties, `${path}.${key} is not in the schema`);
                    const property = properties[key];
                    const ref = property.$ref ?? property.items?.$ref;
                    const nested = ref ? schema.types[ref.replace("#/types/", "")]?.properties : undefined;
                    for (const item of nested ? (Array.isArray(given) ? given : [given]) : []) {
                        check(item, nested!, `${path}.${key}`);
                    }
                }
            };
            for (const [name, resource] of Object.entries(program.resources)) {
                assert.ok(resource.type in schema.resources, `${name}: ${resource.type} is not a type of the package`);
                check(resource.properties, schema.resources[resource.type].inputProperties, name);
            }
            for (const reference of [...block.matchAll(/\$\{(\w+)\.(\w+)\}/g)]) {
                const [, resource, output] = reference;
                assert.ok(output in schema.resources[program.resources[resource].type].properties, `\${${resource}.${output}} is not an output`);
            }
        });

        it("Python and C#: argument types, arguments and outputs the schema has", () => {
            const [python] = codeBlocks(section, "python");
            const [csharp] = codeBlocks(section, "csharp");
            const components = ["VendorConnection", "VendorVault"];
            for (const [, type] of [...python.matchAll(/vc\.(\w+)Args\(/g), ...csharp.matchAll(/new (\w+)Args\b/g)]) {
                assert.ok(components.includes(type) || `vendor-connections:index:${type}` in schema.types, `${type}Args: no type ${type} in the schema`);
            }
            const names = argumentNames();
            for (const [, argument] of [...python.matchAll(/\b([a-z_]+)=/g), ...csharp.matchAll(/\b([A-Z]\w*) = /g)]) {
                assert.ok(names.has(camel(argument)), `argument ${argument} is not in the schema`);
            }
            const outputs = outputNames();
            for (const [, output] of [...python.matchAll(/(?:backup|vault)\.([a-z_]+)/g), ...csharp.matchAll(/(?:backup|vault)\.([A-Z]\w*)/g)]) {
                assert.ok(outputs.has(camel(output)), `output ${output} is not in the schema`);
            }
        });
    });

    describe("construct, from the inputs another language sends", () => {
        const NOW = "2026-11-28T12:00:00Z"; // in an overlap: two certificates
        const VAULT_ID = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-vendors/providers/Microsoft.KeyVault/vaults/kv-vendors`;
        const existingVault = { vaultId: VAULT_ID, vaultName: "kv-vendors", resourceGroupName: "rg-vendors", systemTopicName: "kv-vendors-events" };

        /** What one declaration registers: every resource with its inputs, in a stable order. */
        async function declared(declare: () => unknown): Promise<RecordedResource[]> {
            mocks.reset();
            await declare();
            await settle();
            return [...mocks.resources].sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));
        }

        /** Constructs through the provider from `json`, as it arrives over the wire; returns the component's state. */
        async function construct(type: string, name: string, json: string): Promise<Record<string, unknown>> {
            const { state } = await provider.construct(name, type, await fromTheWire(JSON.parse(json)), {});
            return state as Record<string, unknown>;
        }

        async function sameAsTypeScript(type: string, name: string, json: string, typescript: () => pulumi.ComponentResource) {
            let state: Record<string, unknown> = {};
            const viaProvider = await declared(async () => (state = await construct(type, name, json)));
            let instance: pulumi.ComponentResource | undefined;
            const viaTypeScript = await declared(() => (instance = typescript()));
            assert.ok(viaProvider.length > 1, `declared only ${viaProvider.length} resource(s)`);
            assert.deepEqual(viaProvider, viaTypeScript);
            // The state the provider returns is the component's outputs, each with the TypeScript instance's value.
            const outputs = Object.keys(schema.resources[type].properties).sort();
            assert.deepEqual(Object.keys(state).sort(), outputs);
            for (const key of outputs) {
                const ours = (instance as unknown as Record<string, unknown>)[key];
                assert.deepEqual(await valueOf(state[key] as pulumi.Output<unknown>), await valueOf(ours as pulumi.Output<unknown>), key);
            }
        }

        it("VendorVault: the same resources as its TypeScript constructor", async () => {
            const json = `{
                "resourceGroupName": "rg-vendors",
                "createResourceGroup": true,
                "location": "westeurope",
                "vaultName": "kv-vendors",
                "allowedIpRanges": ["203.0.113.0/24", "198.51.100.7"],
                "softDeleteRetentionInDays": 30,
                "eventNotifications": true,
                "tags": { "owner": "security" }
            }`;
            await sameAsTypeScript(VAULT, "vendors", json, () => new components.VendorVault("vendors", JSON.parse(json)));
        });

        it("VendorConnection with certificates, every plain argument given: the same resources as its TypeScript constructor", async () => {
            const args = {
                displayName: "Fabrikam M365 Backup",
                owners: ["11111111-1111-4111-a111-111111111111"],
                deployerObjectId: FAKE_DEPLOYER_OBJECT_ID,
                notes: "contract 2026-117",
                permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All", "Files.Read.All"] }],
                grantConsent: true,
                certificate: { lifetime: "P30D", renewBefore: "P10D", keySize: 3072 },
                revokeIssuedBefore: ["2026-10-01T00:00:00Z"],
                suspended: false,
                vault: { ...existingVault, allowedIpRanges: ["198.51.100.0/24"] },
                secretName: "fabrikam-backup",
                readers: ["44444444-4444-4444-a444-444444444444"],
                credential: { type: "certificate" },
                allowedIpRanges: ["198.51.100.0/24", "2001:db8::/48"],
                allowedIpRangesState: "reportOnly",
                notify: { webhookUrl: "https://vendor.example/hooks/certificate-rotated" },
                now: NOW,
            };
            const json = JSON.stringify(args);
            await sameAsTypeScript(CONNECTION, "backup", json, () => new components.VendorConnection("backup", JSON.parse(json)));
        });

        it("VendorConnection with a federated credential, the vault given by a VendorVault's outputs", async () => {
            const vault = new components.VendorVault("shared", { resourceGroupName: "rg-vendors", vaultName: "kv-shared" });
            const reference = { vaultId: vault.vaultId, vaultName: vault.vaultName, resourceGroupName: vault.resourceGroupName };
            await settle();
            const json = JSON.stringify({
                permissions: [{ api: "Office365ExchangeOnline", roles: ["full_access_as_app"] }],
                credential: { type: "federated", issuer: "https://login.vendor.example/tenants/contoso", subject: "backup-agent", trustedFrom: "2026-11-01T00:00:00Z" },
                now: NOW,
            });
            await sameAsTypeScript(CONNECTION, "archiver", json, () => new components.VendorConnection("archiver", { ...JSON.parse(json), vault: reference }));
            // And a certificate connection whose vault is those outputs, as another language passes them.
            const withVault = await declared(() =>
                provider.construct("scanner", CONNECTION, { permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }], vault: reference, now: NOW }, {}),
            );
            const secret = withVault.find((r) => r.type === "azure-native:keyvault:Secret")!;
            assert.deepEqual([secret.inputs.vaultName, secret.inputs.resourceGroupName], ["kv-shared", "rg-vendors"]);
        });

        it("VendorConnection with a vault key: the same resources as its TypeScript constructor; the vault given by a VendorVault's outputs", async () => {
            const json = JSON.stringify({
                permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }],
                credential: { type: "vaultKey", hardwareProtected: true },
                readers: ["44444444-4444-4444-a444-444444444444"],
                vault: {
                    ...existingVault,
                    vaultUri: "https://kv-vendors.vault.azure.net/",
                    keySignerRoleDefinitionId: `/subscriptions/${FAKE_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/11111111-2222-4333-8444-555555555555`,
                    sku: "premium",
                },
                now: NOW,
            });
            await sameAsTypeScript(CONNECTION, "signer", json, () => new components.VendorConnection("signer", JSON.parse(json)));

            // As another language passes a VendorVault: its outputs, and the tier as the plain value it is.
            const vault = new components.VendorVault("keys", { resourceGroupName: "rg-vendors", vaultName: "kv-keys", sku: "premium", vaultKeyCredentials: true });
            const reference = {
                vaultId: vault.vaultId,
                vaultName: vault.vaultName,
                resourceGroupName: vault.resourceGroupName,
                vaultUri: vault.vaultUri,
                keySignerRoleDefinitionId: vault.keySignerRoleDefinitionId,
                sku: "premium",
            };
            await settle();
            const { vault: _plain, ...args } = JSON.parse(json) as Record<string, unknown>;
            const viaProvider = await declared(() => provider.construct("signer", CONNECTION, { ...args, vault: reference }, {}));
            const keys = viaProvider.filter((r) => r.type === "pulumi-nodejs:dynamic/vendor-connections:VaultKeyCertificate");
            assert.equal(keys.length, 2, "two key versions in the overlap");
            for (const key of keys) {
                assert.deepEqual([key.inputs.keyName, key.inputs.hardwareProtected, key.inputs.vaultUri], ["signer-key", true, "https://kv-keys.vault.azure.net/"]);
            }
        });

        it("refuses bad inputs with the TypeScript constructor's message, naming the argument", async () => {
            const json = `{ "permissions": [{ "api": "MicrosoftGraph", "roles": ["User.Read.All"] }], "vault": ${JSON.stringify(existingVault)}, "allowedIpRanges": ["198.51.100.0/24"], "allowedIpRangesState": "blocked", "now": "tomorrow" }`;
            const refusal = (declare: () => unknown) =>
                Promise.resolve()
                    .then(declare)
                    .then(
                        () => assert.fail("accepted"),
                        (err: Error) => err.message,
                    );
            const viaProvider = await refusal(() => construct(CONNECTION, "acme", json));
            assert.equal(viaProvider, await refusal(() => new components.VendorConnection("acme", JSON.parse(json))));
            assert.match(viaProvider, /^allowedIpRangesState: "blocked" is not allowed; use "enabled" or "reportOnly"\.$/m);
            assert.match(viaProvider, /^now: "tomorrow" is not an RFC 3339 instant/m);
        });

        it("names a plain argument that arrives as an output (a secret), rather than judging it", async () => {
            const inputs = await fromTheWire({
                permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }],
                vault: existingVault,
                notify: secretOnTheWire({ webhookUrl: "https://vendor.example/hooks/certificate-rotated" }),
                now: NOW,
            });
            await assert.rejects(
                provider.construct("acme", CONNECTION, inputs, {}),
                /^notify: is an output, known only as the deploy runs \(a value from another resource, or a secret\); give it as a plain value/m,
            );
        });
    });
});
