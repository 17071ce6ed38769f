import type * as pulumi from "@pulumi/pulumi";
import type { VaultKeyActivationInputs, VaultKeyCertificateInputs, VaultKeyCertificateOutputs } from "./model";

// Placeholder until the serialized providers land: every method refuses.

export const vaultKeyCertificateProvider: pulumi.dynamic.ResourceProvider<VaultKeyCertificateInputs, VaultKeyCertificateOutputs> = {
    async create() {
        throw new Error("the vault-key certificate provider is not built yet");
    },
};

export const vaultKeyActivationProvider: pulumi.dynamic.ResourceProvider<VaultKeyActivationInputs, VaultKeyActivationInputs> = {
    async create() {
        throw new Error("the vault-key activation provider is not built yet");
    },
};
