import type { TokenCredential } from "@azure/identity";
import { formatIssue, type ValidationIssue } from "../errors";
import { deployingIdentityCredential } from "../graph/credential";
import { resolveAuthorityHost } from "../graph/endpoints";
import { KEY_VAULT_ROLE_ASSIGNMENT_WAIT } from "../keyVault/roleAssignmentWait";
import { VaultKeys, type VaultKeysOptions } from "../keyVault/vaultKeys";
import { vaultKeyActivationInputIssues, vaultKeyActivationInputsOf, vaultKeyCertificateInputIssues, vaultKeyCertificateInputsOf } from "./inputs";
import type { VaultKeyActivationInputs, VaultKeyCertificateInputs, VaultKeyCertificateOutputs } from "./model";
import { issueVaultKeyCertificate, setKeyVersionEnabled } from "./runtime";
import { keptForProcess } from "../processGlobal";

// The vault-key providers' runtime: compiled into the package (dist/vaultKey/providerRuntime.js,
// exported as `vendor-connections/vault-key-provider-runtime`) and loaded by the serialized
// providers (provider.ts) inside Pulumi's dynamic provider host. Everything that talks to Key Vault
// is here, acting as the identity that deploys the stack: it holds Key Vault Crypto Officer on the
// vault, which the stack may have granted moments before (the keys client then waits for the
// assignment to apply, ../keyVault/roleAssignmentWait.ts). A failure names the connection's key,
// the vault and what to change; none carries key material, which never leaves the vault anyway.

/**
 * Key Vault client options for this process, over the defaults, when something other than the
 * environment must decide them: tests point the runtime at their stand-in vault (its token, an
 * agent trusting its CA) and shorten the wait for role assignments, by setting this global before
 * the provider runs. Unset in a deploy: the token is the deploying identity's (components/graph).
 */
export const VAULT_KEYS_OPTIONS_GLOBAL = Symbol.for("vendor-connections.vaultKey.vaultKeysOptions");
const CLIENTS_GLOBAL = Symbol.for("vendor-connections.vaultKey.vaultKeysClients");

export interface ProviderCheck<Inputs> {
    readonly inputs: Inputs;
    readonly failures: { property: string; reason: string }[];
}

/** The VaultKeyCertificate provider's `check`: the inputs judged alone, Key Vault is not asked. */
export function checkVaultKeyCertificate(news: VaultKeyCertificateInputs): ProviderCheck<VaultKeyCertificateInputs> {
    return { inputs: news, failures: vaultKeyCertificateInputIssues(news as unknown as Record<string, unknown>).map(failureOf) };
}

/** The VaultKeyActivation provider's `check`, likewise. */
export function checkVaultKeyActivation(news: VaultKeyActivationInputs): ProviderCheck<VaultKeyActivationInputs> {
    return { inputs: news, failures: vaultKeyActivationInputIssues(news as unknown as Record<string, unknown>).map(failureOf) };
}

/** The VaultKeyCertificate's `create`: a new, disabled version of the connection's key and its certificate. */
export async function createVaultKeyCertificate(props: VaultKeyCertificateInputs): Promise<VaultKeyCertificateOutputs> {
    const inputs = vaultKeyCertificateInputsOf(props);
    refuseInvalid("VaultKeyCertificate", vaultKeyCertificateInputIssues(inputs as unknown as Record<string, unknown>));
    return failingWith(`Issuing a certificate on a new version of key ${inputs.keyName} in Key Vault ${inputs.vaultUri}`, () =>
        issueVaultKeyCertificate(vaultKeys(inputs.vaultUri), inputs),
    );
}

/** The VaultKeyCertificate's `delete`: its version signs nothing more. The key and the version stay, as the record of what was issued. */
export async function retireVaultKeyCertificate(props: VaultKeyCertificateOutputs): Promise<void> {
    await setEnabled({ vaultUri: props.vaultUri, keyName: props.keyName, keyVersion: props.keyVersion }, false);
}

/** The VaultKeyActivation's `create`: the version may sign from now on. Returns its versioned key id. */
export async function enableVaultKeyVersion(props: VaultKeyActivationInputs): Promise<string> {
    const inputs = vaultKeyActivationInputsOf(props);
    refuseInvalid("VaultKeyActivation", vaultKeyActivationInputIssues(inputs as unknown as Record<string, unknown>));
    await setEnabled(inputs, true);
    return keyVersionId(inputs);
}

/** The VaultKeyActivation's `delete`: the version signs nothing more. */
export async function disableVaultKeyVersion(props: VaultKeyActivationInputs): Promise<void> {
    await setEnabled(vaultKeyActivationInputsOf(props), false);
}

/** `https://<vault>/keys/<name>/<version>`, as Key Vault spells a version's id. */
export function keyVersionId(version: VaultKeyActivationInputs): string {
    return `${new URL(version.vaultUri).origin}/keys/${version.keyName}/${version.keyVersion}`;
}

// A version the vault no longer has (deleted outside the stack) needs nothing: setKeyVersionEnabled.
async function setEnabled(version: VaultKeyActivationInputs, enabled: boolean): Promise<void> {
    const { vaultUri, keyName, keyVersion } = version;
    await failingWith(`${enabled ? "Enabling" : "Disabling"} version ${keyVersion} of key ${keyName} in Key Vault ${vaultUri}`, () =>
        setKeyVersionEnabled(vaultKeys(vaultUri), keyName, keyVersion, enabled),
    );
}

async function failingWith<T>(step: string, run: () => Promise<T>): Promise<T> {
    try {
        return await run();
    } catch (err) {
        throw new Error(`${step} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
}

function refuseInvalid(resource: string, issues: readonly ValidationIssue[]): void {
    if (issues.length > 0) {
        throw new Error(`${resource} inputs are invalid:\n${issues.map(formatIssue).join("\n")}`);
    }
}

function failureOf(issue: ValidationIssue): { property: string; reason: string } {
    return { property: issue.path, reason: issue.message };
}

interface ClientsOfProcess {
    /** The options global they were made with: tests change it between runs. */
    readonly options: Partial<VaultKeysOptions> | undefined;
    readonly credential: TokenCredential;
    readonly byVault: Map<string, VaultKeys>;
}

// One client per vault and process, all on one credential: its token is cached, and every call
// shares the process's limiter.
function vaultKeys(vaultUri: string): VaultKeys {
    const clients = clientsOfProcess();
    let client = clients.byVault.get(vaultUri);
    if (client === undefined) {
        client = new VaultKeys(vaultUri, { roleAssignmentWait: KEY_VAULT_ROLE_ASSIGNMENT_WAIT, ...clients.options, credential: clients.credential });
        clients.byVault.set(vaultUri, client);
    }
    return client;
}

function clientsOfProcess(): ClientsOfProcess {
    return keptForProcess(CLIENTS_GLOBAL, VAULT_KEYS_OPTIONS_GLOBAL, (options: Partial<VaultKeysOptions> | undefined) => ({
        options,
        credential: options?.credential ?? deployingIdentityCredential({ authorityHost: resolveAuthorityHost() }),
        byVault: new Map<string, VaultKeys>(),
    }));
}
