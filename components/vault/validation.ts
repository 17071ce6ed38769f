import { IssueCollector, joinPath } from "../errors";
import { IpRangeRules, checkIpRanges } from "../network";
import { DeployerPrincipalType, VaultSku } from "../vendorConnection/choices";

/** Plain settings of a vault, validated before any resource is declared. */
export interface VaultSettings {
    readonly vaultName?: string;
    readonly createResourceGroup?: boolean;
    readonly location?: unknown;
    readonly allowedIpRanges?: readonly string[];
    readonly softDeleteRetentionInDays?: number;
    readonly sku?: string;
    readonly deployerPrincipalType?: string;
}

/** A vault's settings once checked: its defaults applied. */
export interface CheckedVaultSettings extends VaultSettings {
    readonly softDeleteRetentionInDays: number;
    readonly sku: VaultSku;
    readonly deployerPrincipalType: DeployerPrincipalType;
}

// Key Vault names: 3-24 characters, letters, digits and hyphens, starting with a letter, ending
// with a letter or digit, no consecutive hyphens. They are global DNS names
// (https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#objects-identifiers-and-versioning).
const VAULT_NAME = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;

export const SOFT_DELETE_RETENTION_DAYS = { min: 7, max: 90, default: 90 } as const;

/**
 * Checks a vault's plain settings and returns them normalised (IP ranges as CIDR). `path` is where
 * the settings sit in the caller's configuration, so errors name what the user wrote; `nameKey` is
 * what the caller calls the vault name (`name` in stack config, `vaultName` in component args).
 */
export function validateVaultSettings(settings: VaultSettings, path: string, issues: IssueCollector, nameKey = "vaultName"): CheckedVaultSettings {
    const { vaultName, allowedIpRanges, softDeleteRetentionInDays, createResourceGroup, location } = settings;
    const sku = settings.sku ?? VaultSku.Standard;
    if (!(Object.values(VaultSku) as string[]).includes(sku)) {
        issues.add(joinPath(path, "sku"), `${JSON.stringify(sku)} is not allowed; use "standard" (the default) or "premium" (HSM-protected keys).`);
    }
    if (vaultName !== undefined && !VAULT_NAME.test(vaultName)) {
        issues.add(
            joinPath(path, nameKey),
            `${JSON.stringify(vaultName)} is not a valid Key Vault name; use 3-24 letters, digits and hyphens, starting with a letter, ending with a letter or digit, without consecutive hyphens.`,
        );
    }
    // Key Vault IP rules take public IPv4 addresses and ranges only; ARM refuses RFC 1918 ranges at
    // deploy time ("belongs to forbidden range ... (private IP addresses)", Azure/azure-powershell#11471;
    // learn.microsoft.com/azure/key-vault/general/network-security). Key Vault itself would take
    // 0.0.0.0/0, but with defaultAction Deny that switches the firewall off without a word, so wide
    // ranges are refused here, at the same /8 bound as the Conditional Access named locations
    // (vendorConnection/networkPolicyPlan.ts). A single address is kept as a /32, the form Key Vault
    // stores, so the next deploy sees no diff (hashicorp/terraform-provider-azurerm#2164).
    const ranges = checkIpRanges(
        allowedIpRanges,
        joinPath(path, "allowedIpRanges"),
        issues,
        vaultFirewallRangeRules("which would deny every network; omit it to leave the vault reachable from all networks (access still needs RBAC), or list the ranges to allow."),
    );
    const retention = softDeleteRetentionInDays ?? SOFT_DELETE_RETENTION_DAYS.default;
    if (!Number.isInteger(retention) || retention < SOFT_DELETE_RETENTION_DAYS.min || retention > SOFT_DELETE_RETENTION_DAYS.max) {
        issues.add(
            joinPath(path, "softDeleteRetentionInDays"),
            `${retention} is not allowed; use a whole number of days from ${SOFT_DELETE_RETENTION_DAYS.min} to ${SOFT_DELETE_RETENTION_DAYS.max}.`,
        );
    }
    const deployerPrincipalType = settings.deployerPrincipalType ?? DeployerPrincipalType.ServicePrincipal;
    if (!(Object.values(DeployerPrincipalType) as string[]).includes(deployerPrincipalType)) {
        issues.add(
            joinPath(path, "deployerPrincipalType"),
            `${JSON.stringify(deployerPrincipalType)} is not allowed; use "ServicePrincipal" (the default: a pipeline's identity) or "User" (a person deploying from a desk).`,
        );
    }
    if (createResourceGroup && location === undefined) {
        issues.add(joinPath(path, "location"), "is required when createResourceGroup is true: the new resource group needs a region.");
    }
    return {
        vaultName,
        createResourceGroup,
        location,
        allowedIpRanges: ranges,
        softDeleteRetentionInDays: retention,
        sku: sku as VaultSku,
        deployerPrincipalType: deployerPrincipalType as DeployerPrincipalType,
    };
}

/**
 * What the vault firewall accepts in a list of ranges, wherever the list is written (the vault's own
 * `allowedIpRanges`, a connection's `readerIpRanges`); `whenEmpty` says why an empty list is refused,
 * `insteadOfWide` what to do instead of a range wider than /8.
 */
export function vaultFirewallRangeRules(whenEmpty: string, insteadOfWide = "to allow every network, omit allowedIpRanges."): IpRangeRules {
    return {
        service: "the Key Vault firewall",
        ipv6: false,
        publicOnly: true,
        minPrefix: 8,
        minPrefixReason: `a wider range lets much of the internet reach the vault (0.0.0.0/0 all of it), which turns the firewall off; ${insteadOfWide}`,
        whenEmpty,
    };
}
