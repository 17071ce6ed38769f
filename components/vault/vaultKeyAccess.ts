import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { resourceGroupScopeOf, roleDefinitionIdIn } from "../armId";
import type { DeployerPrincipalType } from "../vendorConnection/choices";

// What a vault needs for vault-key connections (components/vaultKey/README.md): a role that lets a
// vendor sign with its connection's key and do nothing else, and a deploying identity that may make
// keys through the vault's data plane, which ARM cannot do for a key's new versions.

// Built-in Azure role "Key Vault Crypto Officer": every action on keys, none on secrets
// (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security#key-vault-crypto-officer).
export const KEY_VAULT_CRYPTO_OFFICER_ROLE_ID = "14b46e9e-c2b7-41b4-b07b-48a6ebf60603";

/**
 * The vendor's whole access to its key: read the key (its public half and which versions are
 * enabled) and sign with it. Key Vault Crypto User would also let it decrypt, encrypt, wrap and
 * unwrap with every key of the vault
 * (https://learn.microsoft.com/azure/role-based-access-control/permissions/security#microsoftkeyvault).
 */
export const KEY_SIGNER_DATA_ACTIONS = ["Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/sign/action"] as const;

export interface VaultKeyAccessTarget {
    readonly vaultId: pulumi.Input<string>;
    readonly vaultName: pulumi.Input<string>;
    /** Who runs the deploys: it creates, enables and disables the connections' key versions. */
    readonly deployerObjectId: pulumi.Input<string>;
    /** What the deployer is in Entra: ARM refuses an assignment whose principal type is not the principal's own. */
    readonly deployerPrincipalType: DeployerPrincipalType;
}

export interface VaultKeyAccess {
    /** The key-signer role's id, `/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<guid>`. */
    readonly keySignerRoleDefinitionId: pulumi.Output<string>;
    /** The deployer's Key Vault Crypto Officer assignment on the vault. */
    readonly deployerAssignment: authorization.RoleAssignment;
}

/**
 * Declares, once per vault, the key-signer role and the deployer's Key Vault Crypto Officer role on
 * the vault. The role is defined at, and assignable only in, the vault's resource group: Azure
 * assigns a custom role within the management groups, subscriptions or resource groups it lists,
 * never a single resource
 * (https://learn.microsoft.com/azure/role-based-access-control/role-definitions#assignablescopes),
 * and defining it there needs `Microsoft.Authorization/roleDefinitions/write` on that resource
 * group alone. Connections then assign it at one key's scope each.
 */
export function declareVaultKeyAccess(parent: pulumi.Resource, name: string, target: VaultKeyAccessTarget): VaultKeyAccess {
    const vaultId = pulumi.output(target.vaultId);
    const keySigner = new authorization.RoleDefinition(
        `${name}-key-signer`,
        {
            scope: vaultId.apply(resourceGroupScopeOf),
            // Custom role names are unique in the directory: the vault's name keeps each vault's apart.
            roleName: pulumi.interpolate`Vendor key signer (${target.vaultName})`,
            description: "Read a vendor connection's Key Vault key and sign with it; nothing else. Assigned per connection at its key's scope.",
            roleType: "CustomRole",
            permissions: [{ actions: [], notActions: [], dataActions: [...KEY_SIGNER_DATA_ACTIONS], notDataActions: [] }],
            assignableScopes: [vaultId.apply(resourceGroupScopeOf)],
        },
        { parent },
    );
    const deployerAssignment = new authorization.RoleAssignment(
        `${name}-deployer-crypto-officer`,
        {
            principalId: target.deployerObjectId,
            // Always stated: azure-native would send "User" by default, and ARM refuses the
            // assignment (UnmatchedPrincipalType) when the principal is of another type.
            principalType: target.deployerPrincipalType,
            roleDefinitionId: vaultId.apply((id) => roleDefinitionIdIn(id, KEY_VAULT_CRYPTO_OFFICER_ROLE_ID)),
            scope: vaultId,
        },
        { parent },
    );
    // A role definition is one directory object whatever scope defined it; role assignments name it
    // in its subscription form, from its name (the GUID), as they name the built-in roles.
    const keySignerRoleDefinitionId = pulumi.all([vaultId, keySigner.name]).apply(([id, guid]) => roleDefinitionIdIn(id, guid));
    return { keySignerRoleDefinitionId, deployerAssignment };
}
