export { parseStackConfig, StackConfig, PROJECT } from "./stackConfig";
export { readStackConfig } from "./pulumiConfig";
export { CONFIG_KEYS, ConnectionConfig, VaultConfig, PermissionConfig } from "./schema";
