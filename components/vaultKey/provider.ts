import type * as pulumi from "@pulumi/pulumi";
import { loadProviderRuntime } from "../providerRuntime";
import type * as VaultKeyRuntime from "./providerRuntime";
import {
    VAULT_KEY_ACTIVATION_INPUT_NAMES,
    VAULT_KEY_CERTIFICATE_INPUT_NAMES,
    VAULT_KEY_RUNTIME_SPECIFIER,
    VaultKeyActivationInputs,
    VaultKeyCertificateInputs,
    VaultKeyCertificateOutputs,
} from "./model";

// The two dynamic providers of a vault-key slot. Pulumi serializes their methods into each
// resource's `__provider` input and runs them in its dynamic provider host, in the consumer's
// project directory. Every method that needs Key Vault, or the library's validators, loads this
// package's compiled runtime (providerRuntime.ts) by name from there (../providerRuntime.ts: how,
// and what these methods may reference); `diff` and `read` need nothing.
//
// A preview runs `check` and `diff` only, and neither reaches Key Vault: check judges the inputs
// alone, diff compares them. Every changed input replaces the resource, as a certificate is
// immutable: a new certificate is a new key version. Whether the old one goes first is the
// resource's deleteBeforeReplace option, not the provider's to decide.
// tests/vaultKey/provider.test.ts runs both against a stand-in Key Vault.

/** VaultKeyCertificate: id the versioned key id; delete disables that version. */
export const vaultKeyCertificateProvider: pulumi.dynamic.ResourceProvider<VaultKeyCertificateInputs, VaultKeyCertificateOutputs> = {
    async check(_olds, news) {
        return vaultKeyRuntime().checkVaultKeyCertificate(news);
    },

    async diff(_id, olds, news) {
        return replacedOnChangeOf(CERTIFICATE_INPUTS, olds, news);
    },

    async create(inputs) {
        const outs = await vaultKeyRuntime().createVaultKeyCertificate(inputs);
        return { id: outs.keyId, outs };
    },

    async read(id, props) {
        return { id, props };
    },

    async delete(_id, props) {
        await vaultKeyRuntime().retireVaultKeyCertificate(props);
    },
};

/** VaultKeyActivation: create enables the version, delete disables it. */
export const vaultKeyActivationProvider: pulumi.dynamic.ResourceProvider<VaultKeyActivationInputs, VaultKeyActivationInputs> = {
    async check(_olds, news) {
        return vaultKeyRuntime().checkVaultKeyActivation(news);
    },

    async diff(_id, olds, news) {
        return replacedOnChangeOf(ACTIVATION_INPUTS, olds, news);
    },

    async create(inputs) {
        const keyId = await vaultKeyRuntime().enableVaultKeyVersion(inputs);
        const { vaultUri, keyName, keyVersion } = inputs;
        return { id: `${keyId}#enabled`, outs: { vaultUri, keyName, keyVersion } };
    },

    async read(id, props) {
        return { id, props };
    },

    async delete(_id, props) {
        await vaultKeyRuntime().disableVaultKeyVersion(props);
    },
};

// Held in this module, so that the methods are serialized with these values rather than with a
// reference to another module of the package (../providerRuntime.ts).
const RUNTIME_SPECIFIER = VAULT_KEY_RUNTIME_SPECIFIER;
const CERTIFICATE_INPUTS: readonly string[] = [...VAULT_KEY_CERTIFICATE_INPUT_NAMES];
const ACTIVATION_INPUTS: readonly string[] = [...VAULT_KEY_ACTIVATION_INPUT_NAMES];
const loadRuntime = loadProviderRuntime;

function vaultKeyRuntime(): typeof VaultKeyRuntime {
    return loadRuntime<typeof VaultKeyRuntime>(RUNTIME_SPECIFIER, "The vault-key credential");
}

// `olds` are the state, outputs included, and `__provider` is never compared: a new version of
// this code must not replace every certificate.
function replacedOnChangeOf(names: readonly string[], olds: object, news: object): pulumi.dynamic.DiffResult {
    const before = olds as Record<string, unknown>;
    const after = news as Record<string, unknown>;
    const replaces = names.filter((name) => before[name] !== after[name]);
    return { changes: replaces.length > 0, replaces };
}
