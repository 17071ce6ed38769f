import { IssueCollector, joinPath } from "../errors";
import { KEY_VAULT_OBJECT_NAME } from "../keyVault/objectNames";
import type { CredentialSettings } from "./credentialPlan";

// A vault-key credential: certificates as usual, but each one's private key is a new version of
// one Key Vault key per connection, made in the vault, never exportable, signing only there
// (components/vaultKey/README.md). One key rather than one per slot: its name is the stable place
// where the vendor's signer finds the current version, and one role assignment on it covers every
// version the connection will ever have.

export interface VaultKeyCredentialPlan {
    readonly type: "vaultKey";
    /** The connection's key in its vault. */
    readonly keyName: string;
    /** `RSA-HSM` (a Premium vault) rather than `RSA`. */
    readonly hardwareProtected: boolean;
}

/** The name of a vault-key connection's key. */
export function vaultKeyName(connectionName: string): string {
    return `${connectionName}-key`;
}

/**
 * Checks a vault-key credential's settings at `path` (the connection's), adding each problem to
 * `issues`; the plan it returns is used only when there are none.
 */
export function planVaultKeyCredential(connectionName: string, credential: CredentialSettings, path: string, issues: IssueCollector): VaultKeyCredentialPlan {
    const { hardwareProtected } = credential;
    if (hardwareProtected !== undefined && typeof hardwareProtected !== "boolean") {
        issues.add(
            joinPath(joinPath(path, "credential"), "hardwareProtected"),
            `${JSON.stringify(hardwareProtected)} is not allowed; use true (an RSA-HSM key, which needs a Premium vault) or false (the default: a software-protected RSA key).`,
        );
    }
    const keyName = vaultKeyName(connectionName);
    if (!KEY_VAULT_OBJECT_NAME.test(keyName)) {
        issues.add(
            path || "name",
            `${JSON.stringify(keyName)} is not a valid Key Vault key name; a vaultKey connection's key is named "<connection name>-key", so use a connection name of letters, digits and hyphens.`,
        );
    }
    return { type: "vaultKey", keyName, hardwareProtected: hardwareProtected === true };
}
