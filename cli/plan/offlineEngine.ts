import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

// The Pulumi mock engine that `npm run plan` (and the tests) evaluate programs with: it records
// every resource the program declares and answers with what Azure and Entra would compute,
// deterministically derived from resource names, so that the same program and deploy instant
// always give the same plan. It never generates keys: dynamic resources echo their inputs unless
// a caller supplies a handler (the tests run the real certificate provider that way).

/** A GUID derived from a seed: stable across runs, distinct across seeds. */
export function fakeGuid(seed: string): string {
    const hex = createHash("sha256").update(seed).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const OFFLINE_TENANT_ID = fakeGuid("offline:tenant");
export const OFFLINE_SUBSCRIPTION_ID = fakeGuid("offline:subscription");
export const OFFLINE_DEPLOYER_OBJECT_ID = fakeGuid("offline:deployer");

/** One resource as the program declared it. */
export interface DeclaredResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
    readonly provider?: string;
    readonly custom?: boolean;
}

export type InvokeHandler = (inputs: Record<string, any>) => Record<string, unknown>;

export interface OfflineEngineOptions {
    /** Answers dynamic resources; default: echo the inputs (no key is generated). */
    readonly dynamic?: (args: pulumi.runtime.MockResourceArgs) => Promise<pulumi.runtime.MockResourceResult>;
    /** Invoke handlers by token, in addition to (and overriding) the built-in ones. */
    readonly invokes?: Readonly<Record<string, InvokeHandler>>;
    /**
     * Answer as a preview would: computed outputs (ids, client ids, certificates) stay unknown, so
     * a program that declares resources inside `apply` shows it by declaring fewer of them.
     */
    readonly previewUnknowns?: boolean;
    /** App role ids the tenant's service principal of an API offers (for azuread getServicePrincipal). */
    readonly appRoleIds?: (clientId: string) => Record<string, string>;
}

export class OfflineEngine implements pulumi.runtime.Mocks {
    readonly declared: DeclaredResource[] = [];
    readonly invoked: pulumi.runtime.MockCallArgs[] = [];
    private readonly handlers: Readonly<Record<string, InvokeHandler>>;

    constructor(private readonly options: OfflineEngineOptions = {}) {
        this.handlers = { ...this.builtInInvokes(), ...options.invokes };
    }

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> {
        this.declared.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, custom: args.custom });
        if (this.options.previewUnknowns) {
            return { id: undefined, state: { ...args.inputs } };
        }
        if (args.type.startsWith("pulumi-nodejs:dynamic") && this.options.dynamic) {
            return this.options.dynamic(args);
        }
        return {
            id: computedId(args.type, args.name, args.inputs),
            state: { ...args.inputs, ...computedOutputs(args.type, args.name, args.inputs) },
        };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        this.invoked.push(args);
        const handler = this.handlers[args.token];
        if (handler === undefined) {
            // Unknown data sources fail loudly: an offline answer we did not design would be a guess.
            throw new Error(`the offline engine has no answer for invoke ${args.token}`);
        }
        return handler(args.inputs);
    }

    private builtInInvokes(): Record<string, InvokeHandler> {
        return {
            "azure-native:authorization:getClientConfig": () => ({
                clientId: fakeGuid("offline:deployer-client"),
                objectId: OFFLINE_DEPLOYER_OBJECT_ID,
                subscriptionId: OFFLINE_SUBSCRIPTION_ID,
                tenantId: OFFLINE_TENANT_ID,
            }),
            // The same deploying identity as azure-native's: offline there is only one.
            "azuread:index/getClientConfig:getClientConfig": () => ({
                clientId: fakeGuid("offline:deployer-client"),
                objectId: OFFLINE_DEPLOYER_OBJECT_ID,
                tenantId: OFFLINE_TENANT_ID,
            }),
            "azuread:index/getServicePrincipal:getServicePrincipal": (inputs) => ({
                clientId: inputs.clientId,
                objectId: fakeGuid(`sp:${inputs.clientId}`),
                appRoleIds: this.options.appRoleIds?.(inputs.clientId) ?? {},
            }),
        };
    }
}

/** The id a provider would give a resource, by type token. */
export function computedId(type: string, name: string, inputs: Record<string, any>): string {
    switch (type) {
        case "azuread:index/application:Application":
            return `/applications/${fakeGuid(`app:${name}`)}`;
        case "azure-native:keyvault:Vault":
            return `/subscriptions/${OFFLINE_SUBSCRIPTION_ID}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.KeyVault/vaults/${vaultNameOf(name, inputs)}`;
        default:
            return `${name}-id`;
    }
}

/** Outputs a provider would add to a resource's inputs on create, by type token. */
export function computedOutputs(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
    switch (type) {
        case "azuread:index/application:Application":
            return { clientId: fakeGuid(`client:${name}`), objectId: fakeGuid(`app:${name}`) };
        case "azuread:index/servicePrincipal:ServicePrincipal":
            return { objectId: fakeGuid(`sp:${name}`) };
        case "azure-native:keyvault:Vault": {
            const vaultName = vaultNameOf(name, inputs);
            return { name: vaultName, properties: { ...inputs.properties, vaultUri: `https://${vaultName}.vault.azure.net/` } };
        }
        case "azure-native:keyvault:Secret": {
            const secretName = inputs.secretName ?? name;
            const secretUri = `https://${inputs.vaultName}.vault.azure.net/secrets/${secretName}`;
            return {
                name: secretName,
                properties: { ...withoutSecretWrapper(inputs.properties), secretUri, secretUriWithVersion: `${secretUri}/${fakeGuid(secretName).replace(/-/g, "")}` },
            };
        }
        case "azure-native:resources:ResourceGroup":
            return { name: inputs.resourceGroupName ?? name };
        case "azure-native:authorization:RoleDefinition":
            // A role definition's name is its GUID, generated when none is given.
            return { name: inputs.roleDefinitionId ?? fakeGuid(`role:${name}`) };
        case "azure-native:eventgrid:SystemTopic":
            return { name: inputs.systemTopicName ?? name };
        case "azuread:index/namedLocation:NamedLocation":
            return { objectId: fakeGuid(`location:${name}`) };
        case "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential":
            return { credentialId: fakeGuid(`federated:${name}`) };
        default:
            return {};
    }
}

// Pulumi auto-names a vault from its resource name plus eight random characters.
function vaultNameOf(name: string, inputs: Record<string, any>): string {
    return inputs.vaultName ?? `${name}${fakeGuid(name).slice(0, 8)}`;
}

/** Whether a value is a secret as it crosses the resource monitor: `{ [specialSigKey]: specialSecretSig, value }`. */
export function isSecretWrapper(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}

function withoutSecretWrapper(value: unknown): any {
    return isSecretWrapper(value) ? value.value : value;
}

/**
 * Waits until every registration and invoke the program started has been answered. Pulumi's own
 * `runInPulumiStack` waits the same way before collecting a stack's outputs; the function is not
 * part of the public API, hence this one wrapper.
 */
export async function settle(): Promise<void> {
    const settings: { waitForRPCs(): Promise<void> } = require("@pulumi/pulumi/runtime/settings");
    await settings.waitForRPCs();
}
