// What a vault-key credential keeps in state and tells the vendor, shared by the runtime that talks
// to Key Vault (runtime.ts) and the resources that declare it. Types and constants only.

/** A certificate whose key is a version of the connection's Key Vault key. */
export interface VaultKeyCertificateInputs {
    /** The vault's URI as ARM reports it, `https://<vault>.vault.azure.net/`. */
    readonly vaultUri: string;
    /** The connection's key: one name, a new version per certificate. */
    readonly keyName: string;
    readonly keySize: number;
    /** `RSA-HSM` (Premium vaults) instead of `RSA`. */
    readonly hardwareProtected: boolean;
    readonly commonName: string;
    readonly organization?: string;
    /** RFC 3339, whole seconds: the certificate's and the key version's validity. */
    readonly notBefore: string;
    readonly notAfter: string;
    /** The rotation schedule's identity of this certificate; a new one asks for a new key version. */
    readonly identity: string;
}

/** Every input of a VaultKeyCertificate, in the order checks and diffs report them: a change to any replaces it. */
export const VAULT_KEY_CERTIFICATE_INPUT_NAMES = [
    "vaultUri",
    "keyName",
    "keySize",
    "hardwareProtected",
    "commonName",
    "organization",
    "notBefore",
    "notAfter",
    "identity",
] as const satisfies readonly (keyof VaultKeyCertificateInputs)[];

export interface VaultKeyCertificateOutputs extends VaultKeyCertificateInputs {
    /** The versioned key id: `https://<vault>/keys/<name>/<version>`. */
    readonly keyId: string;
    readonly keyVersion: string;
    /** The certificate only: its key never leaves the vault. */
    readonly certificatePem: string;
    readonly thumbprintSha1: string;
    readonly thumbprintSha256: string;
    readonly serialNumber: string;
}

/**
 * Tags on each key version: the vendor's helper, reading the key by its stable name, finds the
 * version to sign with (the newest enabled one) and its certificate's `x5t#S256` there. Tag names
 * are plain words: Key Vault tags carry metadata, never a secret.
 */
export const KEY_VERSION_TAGS = {
    connection: "vendor-connection",
    identity: "certificate-identity",
    thumbprintSha256: "x5t-S256",
} as const;

/** What turns a registered key version on for the vendor (and off again when it is deleted). */
export interface VaultKeyActivationInputs {
    /** The vault's URI, as for the certificate. */
    readonly vaultUri: string;
    readonly keyName: string;
    /** The version the slot's certificate was issued for. */
    readonly keyVersion: string;
}

/** Every input of a VaultKeyActivation: a change to any replaces it. */
export const VAULT_KEY_ACTIVATION_INPUT_NAMES = ["vaultUri", "keyName", "keyVersion"] as const satisfies readonly (keyof VaultKeyActivationInputs)[];

/**
 * How the provider host finds the vault-key runtime: this package's name and the subpath its
 * package.json `exports` maps to the compiled runtime, resolved from the project directory the
 * host runs in (as the sweep's runtime is).
 */
export const VAULT_KEY_RUNTIME_SPECIFIER = "vendor-connections/vault-key-provider-runtime";
