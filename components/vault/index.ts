export * from "./vendorVault";
export { validateVaultSettings, VaultSettings, SOFT_DELETE_RETENTION_DAYS } from "./validation";
export { planVaultFirewall, checkVaultAdmits, VaultReader, VaultIpRule, VaultFirewallPlan } from "./firewall";
