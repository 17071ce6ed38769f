import { IssueCollector, joinPath } from "../errors";
import { CredentialType } from "./choices";
import { FederatedCredentialPlan, planFederatedCredential } from "./federatedPlan";
import { VaultKeyCredentialPlan, planVaultKeyCredential } from "./vaultKeyPlan";

// How a connection's vendor signs in, and what each way leaves out (docs/security.md compares them):
// - certificate (the default): a key pair in the stack's state, the PKCS#12 in a vault secret the
//   vendor reads;
// - federated: the vendor's own identity provider vouches for its workload, nothing is kept;
// - vaultKey: the certificate's private key is a Key Vault key that never leaves the vault, and the
//   vendor signs through Key Vault.
// Each type reads its own keys of `credential` and has no use for some connection settings; both
// are refused by name, so a setting that would silently do nothing is never accepted.

export const CREDENTIAL_TYPES: readonly CredentialType[] = Object.values(CredentialType);

/** A connection's credential settings as given (config or component arguments), unchecked. */
export interface CredentialSettings {
    readonly type: unknown;
    readonly issuer?: unknown;
    readonly subject?: unknown;
    readonly audiences?: readonly unknown[];
    readonly trustedFrom?: unknown;
    readonly hardwareProtected?: unknown;
}

export type CredentialPlan = { readonly type: "certificate" } | FederatedCredentialPlan | VaultKeyCredentialPlan;

/** The keys of `credential` each type reads. */
const CREDENTIAL_KEYS: Readonly<Record<CredentialType, readonly string[]>> = {
    certificate: ["type"],
    federated: ["type", "issuer", "subject", "audiences", "trustedFrom"],
    vaultKey: ["type", "hardwareProtected"],
};

/** Connection settings a credential type has no use for, each with the reason given to the user. */
const UNUSED_SETTINGS: Readonly<Record<CredentialType, Readonly<Record<string, string>>>> = {
    certificate: {},
    federated: {
        certificate: "a federated connection has no certificate; remove the certificate policy or the federated credential.",
        readers: "a federated connection keeps no certificate in the vault, so there is nothing to read.",
        readerIpRanges: "a federated connection keeps no certificate in the vault, so no reader needs to reach it.",
        secretName: "a federated connection keeps no certificate in the vault.",
        notify: "a federated connection has no certificate whose rotation could be announced.",
    },
    vaultKey: {
        secretName: 'a vaultKey connection keeps no secret in the vault: its credential is the vault key "<connection name>-key".',
        notify: "the vendor's signer follows the key's newest enabled version by itself, and the vault secret events that notify subscribes to do not occur.",
    },
};

/** The credential type a connection asks for: certificate unless `credential.type` says otherwise. */
export function credentialTypeOf(credential: CredentialSettings | undefined, path: string, issues: IssueCollector): CredentialType | undefined {
    const type = credential === undefined ? CredentialType.Certificate : credential.type;
    if (!(CREDENTIAL_TYPES as readonly unknown[]).includes(type)) {
        issues.add(joinPath(joinPath(path, "credential"), "type"), `${JSON.stringify(type)} is not allowed; use "certificate" (the default), "federated" or "vaultKey".`);
        return undefined;
    }
    return type as CredentialType;
}

/**
 * Refuses what credential type `type` would ignore: keys of `credential` that belong to another
 * type, and connection settings it has no use for, each naming the setting and `credential.type`.
 */
export function rejectUnusedSettings(type: CredentialType, settings: Readonly<Record<string, unknown>>, path: string, issues: IssueCollector): void {
    const typePath = joinPath(joinPath(path, "credential"), "type");
    const credential = (settings.credential ?? {}) as Readonly<Record<string, unknown>>;
    for (const key of Object.keys(credential)) {
        if (!CREDENTIAL_KEYS[type].includes(key) && credential[key] !== undefined) {
            issues.add(joinPath(joinPath(path, "credential"), key), `is not allowed with ${typePath} "${type}"; a ${type} credential takes ${CREDENTIAL_KEYS[type].join(", ")}.`);
        }
    }
    for (const [key, reason] of Object.entries(UNUSED_SETTINGS[type])) {
        if (settings[key] !== undefined) {
            issues.add(joinPath(path, key), `is not allowed together with ${typePath} "${type}": ${reason}`);
        }
    }
}

/** What decides a federated trust at this deploy. */
export interface CredentialContext {
    readonly now: Date;
    readonly cutoff: Date | undefined;
    readonly suspended: boolean;
}

/** The checked credential of connection `connectionName`, or undefined when its settings have problems (added to `issues`). */
export function planCredential(
    type: CredentialType,
    connectionName: string,
    credential: CredentialSettings | undefined,
    context: CredentialContext,
    path: string,
    issues: IssueCollector,
): CredentialPlan | undefined {
    switch (type) {
        case "certificate":
            return { type };
        case "federated":
            return planFederatedCredential(connectionName, credential!, context, path, issues);
        case "vaultKey":
            return planVaultKeyCredential(connectionName, credential!, path, issues);
    }
}
