// Key Vault object names (keys, secrets, certificates): 1-127 letters, digits and hyphens
// (https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#object-identifiers).
// A name is also a path segment of every request about the object, so nothing else may pass.

export const KEY_VAULT_OBJECT_NAME = /^[0-9a-zA-Z-]{1,127}$/;

/** How messages say what a name may be. */
export const KEY_VAULT_OBJECT_NAME_RULE = "1-127 letters, digits and hyphens";
