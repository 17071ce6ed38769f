// The library's public surface, and the package's only entry (package.json `exports`): what a
// stack that declares vendor connections needs. The components with their arguments and outputs,
// the inventory a stack exports, and the pure helpers a stack may call before declaring anything:
// judging a connection's settings with its own paths, planning a shared vault's firewall from its
// connections, the deploy instant. Everything else (the certificate engine, the schedule's
// internals, the Graph client) is an implementation detail behind these and may change freely.

// Components.
export { VendorConnection } from "./vendorConnection/vendorConnection";
export type { StrayItem, VendorConnectionArgs, ApiPermissions, ConnectionCredential, RotationNotices, ConnectionCertificateInfo } from "./vendorConnection/vendorConnection";
export { VendorVault } from "./vault/vendorVault";
export type { VendorVaultArgs, VaultReference } from "./vault/vendorVault";
export { AllowedIpRangesState, CredentialType, DeployerPrincipalType, VaultSku } from "./vendorConnection/choices";
export type { CertificatePolicyInput } from "./rotation/policy";

// What a stack exports about each connection (no key material), and what `npm run verify` reads.
export { inventoryOf } from "./vendorConnection/inventory";
export { expectedStateOf } from "./vendorConnection/expected";
export type { ExpectedConnection } from "./vendorConnection/expected";
export type { ConnectionInventory, CredentialInventory, DefenseInventory } from "./vendorConnection/inventory";

// Judging settings before declaring anything; every problem is named by its path.
export { ValidationError, IssueCollector } from "./errors";
export type { ValidationIssue } from "./errors";
export { planConnection, defaultSecretName } from "./vendorConnection/validation";
export type { ConnectionPlan, ConnectionSettings } from "./vendorConnection/validation";
export type { CredentialPlan, CredentialSettings } from "./vendorConnection/credentialPlan";
export type { FederatedCredentialPlan } from "./vendorConnection/federatedPlan";
export type { VaultKeyCredentialPlan } from "./vendorConnection/vaultKeyPlan";
export type { AllowedNetworksPlan } from "./vendorConnection/networkPolicyPlan";
export type { NotifyPlan, NotifySettings } from "./vendorConnection/notifyPlan";
export type { CertificatePolicy, CertificateSchedule, PlannedCertificate } from "./rotation";
export type { ResolvedPermission } from "./permissions/resolve";

// A vault shared by several connections admits each one's readers (docs/architecture.md).
export { planVaultFirewall } from "./vault/firewall";
export type { VaultFirewallPlan, VaultIpRule, VaultReader } from "./vault/firewall";
export { vaultReaderOf } from "./vendorConnection/vaultReader";

// The permissions this library knows by name, with the broad ones flagged.
export { wellKnownApis, findWellKnownApi } from "./permissions/catalog";
export type { WellKnownApi, AppRoleInfo } from "./permissions/catalog";

// One deploy instant per program run, pinned for a whole pipeline by an environment variable.
export { deployInstant, DEPLOY_INSTANT_VARIABLE } from "./vendorConnection/clock";
