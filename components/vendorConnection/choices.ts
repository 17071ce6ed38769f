// The literal choices of the components' arguments. Each is an object of its values `as const`
// plus a type of the same name, rather than a union of string literals: Pulumi's schema analyzer,
// which serves the components to Python, C#, Go, Java and YAML (docs/languages.md), accepts no
// union type, and reads exactly this pattern as an enum, the object's keys naming its members in
// the other languages. TypeScript callers still write the plain string ("reportOnly").
//
// A new literal choice of an argument is one more object and type here; the argument is then typed
// with it. The object comes first: the analyzer takes the first declaration of the name.

/** How the sign-in policy of `allowedIpRanges` acts. */
export const AllowedIpRangesState = {
    /** Block sign-ins from every other network. */
    Enabled: "enabled",
    /** Only record in the sign-in logs what the policy would have blocked, to try the ranges first. */
    ReportOnly: "reportOnly",
} as const;
export type AllowedIpRangesState = (typeof AllowedIpRangesState)[keyof typeof AllowedIpRangesState];

/** How the vendor signs in. */
export const CredentialType = {
    /** Short-lived certificates, rotated by redeploying and kept in the vault. */
    Certificate: "certificate",
    /** Workload identity federation: the vendor's own identity provider vouches for its workload. */
    Federated: "federated",
    /** Short-lived certificates whose private key is a Key Vault key that never leaves the vault: the vendor signs through Key Vault. */
    VaultKey: "vaultKey",
} as const;
export type CredentialType = (typeof CredentialType)[keyof typeof CredentialType];

/** A Key Vault's pricing tier: Premium vaults also hold HSM-protected keys. */
export const VaultSku = {
    /** Software-protected keys. */
    Standard: "standard",
    /** Software- and HSM-protected keys (`RSA-HSM`). */
    Premium: "premium",
} as const;
export type VaultSku = (typeof VaultSku)[keyof typeof VaultSku];

/** What kind of Entra principal runs the deploys. */
export const DeployerPrincipalType = {
    /** A pipeline's identity: a service principal or managed identity. */
    ServicePrincipal: "ServicePrincipal",
    /** A person signed in with the Azure CLI. */
    User: "User",
} as const;
export type DeployerPrincipalType = (typeof DeployerPrincipalType)[keyof typeof DeployerPrincipalType];

/** What each deploy does with credentials, permissions and owners added outside the stack (docs/security.md#the-sweep). */
export const SweepMode = {
    /** Every deploy removes what the stack does not declare: no foothold survives a deploy. */
    Enforce: "enforce",
    /** Every deploy lists it in `strays` and warns, removing nothing. */
    Report: "report",
    /** No sweep: nothing is read or removed. */
    Off: "off",
} as const;
export type SweepMode = (typeof SweepMode)[keyof typeof SweepMode];
