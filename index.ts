// The example stack: reads the stack configuration, declares one Key Vault for vendor
// certificates and one VendorConnection per configured vendor, and exports an inventory of each.
// It holds no logic of its own: the library is ./components, the config reading ./cli/config.
import * as pulumi from "@pulumi/pulumi";
import { DeployerPrincipalType, ValidationError, VaultSku, VendorConnection, VendorVault, deployInstant, expectedStateOf, inventoryOf } from "./components";
import { readStackConfig } from "./cli/config";

const config = loadConfig();

const vault = new VendorVault("vendors", {
    resourceGroupName: config.vault.resourceGroupName,
    createResourceGroup: config.vault.createResourceGroup,
    location: config.vault.location,
    vaultName: config.vault.name,
    // The vault's own ranges plus the networks each vendor reads its certificate from.
    allowedIpRanges: config.vaultFirewall?.ipRules.map((rule) => rule.range),
    softDeleteRetentionInDays: config.vault.softDeleteRetentionInDays,
    auditLogWorkspaceId: config.vault.auditLogWorkspaceId,
    // Azure allows one Event Grid system topic per vault: created when any connection has `notify`.
    eventNotifications: config.needsVaultEvents,
    // A premium vault holds HSM-protected keys, for vault-key connections that ask for them.
    sku: config.vault.sku as VaultSku | undefined,
    // The key-signer role and the deployer's right to make keys: when any connection's key is a vault key.
    vaultKeyCredentials: config.needsVaultKeys,
    deployerObjectId: config.deployerObjectId,
    deployerPrincipalType: config.vault.deployerPrincipalType as DeployerPrincipalType | undefined,
    tags: config.vault.tags,
});

const connections = config.connections.map(
    ({ name, settings }) =>
        [
            name,
            // The settings as judged by the config reading (its cutoff and the tenant-wide one), at
            // the same deploy instant: the component takes that judgement rather than making its own.
            new VendorConnection(name, {
                ...settings,
                vault,
                deployerObjectId: config.deployerObjectId,
            }),
        ] as const,
);

export const vaultName = vault.vaultName;
export const vaultUri = vault.vaultUri;
/** What the vault's firewall admits and why (which settings ask for each range); null when it admits every network. */
export const vaultFirewall = config.vaultFirewall ?? null;
/** One inventory per connection: app, permissions (broad ones flagged), certificates, next rotation. */
export const inventory = pulumi.output(Object.fromEntries(connections.map(([name, connection]) => [name, inventoryOf(connection)])));
/** Per connection, what `npm run verify` compares the tenant with between deploys (docs/operations.md#verify-between-deploys). */
export const verify = pulumi.output(Object.fromEntries(connections.map(([name, connection]) => [name, expectedStateOf(connection)])));

function loadConfig() {
    try {
        return readStackConfig(deployInstant());
    } catch (err) {
        if (err instanceof ValidationError) {
            // A RunError is reported without a stack trace: the message is all the user needs.
            throw new pulumi.RunError(`invalid configuration:\n${err.message}`);
        }
        throw err;
    }
}
