import { createHash } from "node:crypto";

// Deterministic stand-ins for what Azure and Entra would compute, keyed by resource name, so
// that repeated runs of a program produce the same outputs and assertions can name them.

/** A GUID derived from a seed: stable across runs, distinct across seeds. */
export function fakeGuid(seed: string): string {
    const hex = createHash("sha256").update(seed).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const FAKE_TENANT_ID = "11111111-1111-4111-a111-111111111111";
export const FAKE_SUBSCRIPTION_ID = "22222222-2222-4222-a222-222222222222";
export const FAKE_DEPLOYER_OBJECT_ID = "33333333-3333-4333-a333-333333333333";

/** Object ids of Microsoft's first-party service principals as they would appear in one tenant. */
export function fakeServicePrincipalObjectId(clientId: string): string {
    return fakeGuid(`sp:${clientId}`);
}

/** Outputs a provider would add to a resource's inputs on create, by type token. */
export function fakeComputedOutputs(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
    switch (type) {
        case "azuread:index/application:Application": {
            const objectId = fakeGuid(`app:${name}`);
            return { clientId: fakeGuid(`client:${name}`), objectId };
        }
        case "azuread:index/servicePrincipal:ServicePrincipal":
            return { objectId: fakeGuid(`sp:${name}`) };
        case "azure-native:keyvault:Vault": {
            const vaultName = inputs.vaultName ?? `${name}12345678`;
            return { name: vaultName, properties: { ...inputs.properties, vaultUri: `https://${vaultName}.vault.azure.net/` } };
        }
        case "azure-native:keyvault:Secret": {
            const secretName = inputs.secretName ?? name;
            const vaultUri = `https://${inputs.vaultName}.vault.azure.net`;
            return {
                name: secretName,
                properties: {
                    ...inputs.properties,
                    secretUri: `${vaultUri}/secrets/${secretName}`,
                    secretUriWithVersion: `${vaultUri}/secrets/${secretName}/0123456789abcdef`,
                },
            };
        }
        case "azure-native:resources:ResourceGroup":
            return { name: inputs.resourceGroupName ?? name };
        default:
            return {};
    }
}

/** The id a provider would give a resource, by type token. */
export function fakeId(type: string, name: string, inputs: Record<string, any>): string {
    switch (type) {
        case "azuread:index/application:Application":
            return `/applications/${fakeGuid(`app:${name}`)}`;
        case "azure-native:keyvault:Vault":
            return `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.KeyVault/vaults/${inputs.vaultName ?? `${name}12345678`}`;
        default:
            return `${name}-id`;
    }
}

/** Invoke results for the data sources the components read, by token. */
export const fakeInvokes: Record<string, (inputs: Record<string, any>) => Record<string, unknown>> = {
    "azure-native:authorization:getClientConfig": () => ({
        clientId: fakeGuid("deployer-client"),
        objectId: FAKE_DEPLOYER_OBJECT_ID,
        subscriptionId: FAKE_SUBSCRIPTION_ID,
        tenantId: FAKE_TENANT_ID,
    }),
    "azuread:index/getClientConfig:getClientConfig": () => ({
        clientId: fakeGuid("deployer-client"),
        objectId: FAKE_DEPLOYER_OBJECT_ID,
        tenantId: FAKE_TENANT_ID,
    }),
};
