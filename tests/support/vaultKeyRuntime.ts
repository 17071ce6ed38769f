import type { Agent } from "node:https";
import type { RoleAssignmentWait } from "../../components/keyVault/roleAssignmentWait";
import type { VaultKeysOptions } from "../../components/keyVault/vaultKeys";
import { VAULT_KEYS_OPTIONS_GLOBAL } from "../../components/vaultKey/providerRuntime";
import type { KeyVaultStandIn } from "./keyVaultStandIn";
import { RuntimeProject, hostIn } from "./runtimeProject";

// The vault-key providers' view of a consumer's project (runtimeProject.ts): how they are pointed
// at the stand-in Key Vault there.

/**
 * Runs the vault-key providers, in this process, as the host would in `project` against `vault`:
 * the working directory becomes the project's, and the runtime's Key Vault options global carries
 * the stand-in's token, an agent trusting its CA, and `roleAssignmentWait` for Azure RBAC refusals
 * (milliseconds, not Key Vault's ten minutes). Returns the undo.
 */
export function hostVaultKeysIn(project: RuntimeProject, vault: KeyVaultStandIn, agent: Agent, roleAssignmentWait: RoleAssignmentWait): () => void {
    const options: Partial<VaultKeysOptions> = { credential: vault.credential(), agent, retryDelayInMs: 10, roleAssignmentWait };
    return hostIn(project, { [VAULT_KEYS_OPTIONS_GLOBAL]: options });
}
