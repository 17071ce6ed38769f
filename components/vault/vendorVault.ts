import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as eventgrid from "@pulumi/azure-native/eventgrid";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as monitor from "@pulumi/azure-native/monitor";
import * as resources from "@pulumi/azure-native/resources";
import { IssueCollector, formatIssue } from "../errors";
import { DeployerPrincipalType, VaultSku } from "../vendorConnection/choices";
import { validateVaultSettings } from "./validation";
import { declareVaultKeyAccess } from "./vaultKeyAccess";

/**
 * Where a vendor connection keeps its certificate: a VendorVault, or any existing Key Vault. In the
 * other Pulumi languages a component is not passed itself: give a VendorVault's outputs here.
 */
export interface VaultReference {
    /** The vault's ARM resource id (scope of the per-secret reader role assignments). */
    readonly vaultId: pulumi.Input<string>;
    /** The vault's name. */
    readonly vaultName: pulumi.Input<string>;
    /** The resource group that holds the vault. */
    readonly resourceGroupName: pulumi.Input<string>;
    /**
     * Name of the vault's Event Grid system topic, in the vault's resource group. Azure allows one
     * system topic per vault, so every connection with `notify` subscribes to this one. Needed only
     * for `notify`; for an existing vault, name the topic it already has (or create one).
     */
    readonly systemTopicName?: pulumi.Input<string>;
    /**
     * The IPv4 ranges the vault's firewall admits, when it denies every other network. Given, a
     * connection with readers is refused unless the firewall admits its IPv4 `allowedIpRanges`
     * (the networks its vendor reads from). Undefined: not checked (a vault open to every network,
     * or an existing vault whose rules this stack does not manage). A plain value, known when the
     * program runs: the ranges as given to the vault.
     */
    readonly allowedIpRanges?: string[];
    /** The vault's URI, `https://<name>.vault.azure.net/`. Needed by vault-key connections: the deploy makes their keys through it. */
    readonly vaultUri?: pulumi.Input<string>;
    /**
     * The role a vault-key connection's readers get on its key: only
     * `Microsoft.KeyVault/vaults/keys/read` and `Microsoft.KeyVault/vaults/keys/sign/action`. Needed by
     * vault-key connections (VendorVault `vaultKeyCredentials: true` defines it); for an existing
     * vault, define such a role and grant the deploying identity Key Vault Crypto Officer on the vault.
     */
    readonly keySignerRoleDefinitionId?: pulumi.Input<string>;
    /** The vault's pricing tier, when known: a vault-key connection asking for `hardwareProtected` keys needs `premium`. */
    readonly sku?: VaultSku;
}

export interface VendorVaultArgs {
    /** The resource group that holds the vault. It must exist unless `createResourceGroup` is set. */
    resourceGroupName: pulumi.Input<string>;
    /** Create the resource group (in `location`) rather than use an existing one. Default: false. */
    createResourceGroup?: boolean;
    /** Azure region. Required when `createResourceGroup` is set; otherwise default: the provider's location. */
    location?: pulumi.Input<string>;
    /**
     * The vault's globally unique name (3-24 letters, digits, hyphens). Default: Pulumi auto-naming
     * from the resource name plus a random suffix, so keep the resource name at most 16 characters.
     */
    vaultName?: string;
    /**
     * Public IPv4 addresses or CIDR ranges (/8 or narrower) allowed to reach the vault. When given,
     * every other network is denied (trusted Azure services excepted), so list the networks the
     * vendors' readers fetch from (each connection's IPv4 `allowedIpRanges`: `planVaultFirewall`
     * merges them; a connection whose readers it would block is refused), and your operators'
     * networks. A deploy of certificate connections needs none: it writes secrets through ARM,
     * which the firewall does not filter, and never deletes one. With `vaultKeyCredentials`, admit
     * the deploy runner's egress too: vault-key connections make and enable their keys through the
     * vault's data plane. Default: reachable from all networks; RBAC still decides who may read.
     */
    allowedIpRanges?: string[];
    /** Days a deleted secret or vault stays recoverable, 7 to 90. Default: 90. */
    softDeleteRetentionInDays?: number;
    /**
     * Resource id of a Log Analytics workspace. When given, the vault's AuditEvent log goes there,
     * so every read of a vendor's certificate is recorded. Default: no diagnostic setting.
     */
    auditLogWorkspaceId?: pulumi.Input<string>;
    /**
     * Create the vault's Event Grid system topic, which connections with `notify` subscribe to.
     * Azure allows one system topic per vault, hence one here for all connections. Default: false.
     */
    eventNotifications?: boolean;
    /** `standard`, or `premium` for HSM-protected keys (vault-key connections with `hardwareProtected`). Default: standard. */
    sku?: VaultSku;
    /**
     * Prepare the vault for vault-key connections (`credential: { type: "vaultKey" }`): define the
     * key-signer role their readers get on their keys (read and sign, nothing else), and grant
     * `deployerObjectId` Key Vault Crypto Officer on the vault, so that deploys can make the keys.
     * Default: false.
     */
    vaultKeyCredentials?: boolean;
    /**
     * Object id of the identity that runs this stack's deploys, granted Key Vault Crypto Officer when
     * `vaultKeyCredentials` is set. Default: whoever runs this deploy.
     */
    deployerObjectId?: pulumi.Input<string>;
    /** What `deployerObjectId` is: `ServicePrincipal` (a pipeline's identity, the default) or `User` (a person deploying from a desk). */
    deployerPrincipalType?: DeployerPrincipalType;
    /** Tags for the vault (and the resource group, when created). Default: none. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A Key Vault hardened for vendor certificates: RBAC authorization (no access policies, so access
 * is granted per secret), soft delete and purge protection (a deleted or overwritten certificate
 * can be recovered, and nobody can destroy the evidence), optional firewall and audit log.
 */
export class VendorVault extends pulumi.ComponentResource implements VaultReference {
    /** The vault's ARM resource id, known once its audit log (if any) is in place. */
    public readonly vaultId: pulumi.Output<string>;
    /** The vault's name, known once its audit log (if any) is in place. */
    public readonly vaultName: pulumi.Output<string>;
    /** The vault's URI, `https://<name>.vault.azure.net/`. */
    public readonly vaultUri: pulumi.Output<string>;
    /** The resource group that holds the vault. */
    public readonly resourceGroupName: pulumi.Output<string>;
    /** The Entra tenant the vault trusts. */
    public readonly tenantId: pulumi.Output<string>;
    /** The vault's Event Grid system topic; undefined unless `eventNotifications` is set. */
    public readonly systemTopicName: pulumi.Output<string> | undefined;
    /** The IPv4 ranges the firewall admits (normalised to CIDR); undefined when it admits every network. */
    public readonly allowedIpRanges: string[] | undefined;
    /** The vault's pricing tier. */
    public readonly sku: VaultSku;
    /**
     * The key-signer role vault-key connections assign their readers, once the deployer may make keys
     * in the vault; undefined unless `vaultKeyCredentials` is set.
     */
    public readonly keySignerRoleDefinitionId: pulumi.Output<string> | undefined;

    constructor(name: string, args: VendorVaultArgs, opts?: pulumi.ComponentResourceOptions) {
        super("vendor-connections:index:VendorVault", name, {}, opts);

        const issues = new IssueCollector();
        const settings = validateVaultSettings(args, "", issues);
        if (issues.issues.length > 0) {
            throw new pulumi.ResourceError(issues.issues.map(formatIssue).join("\n"), this);
        }

        const resourceGroupName = args.createResourceGroup
            ? new resources.ResourceGroup(`${name}-rg`, { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags }, { parent: this }).name
            : pulumi.output(args.resourceGroupName);

        const client = authorization.getClientConfigOutput({ parent: this });
        const ipRules = settings.allowedIpRanges?.map((value) => ({ value }));

        const vault = new keyvault.Vault(
            `${name}-kv`,
            {
                resourceGroupName,
                vaultName: settings.vaultName,
                location: args.location,
                tags: args.tags,
                properties: {
                    tenantId: client.tenantId,
                    sku: { family: "A", name: settings.sku },
                    enableRbacAuthorization: true,
                    enableSoftDelete: true,
                    softDeleteRetentionInDays: settings.softDeleteRetentionInDays,
                    // Irreversible by design: Key Vault refuses `false` once it has been set.
                    enablePurgeProtection: true,
                    networkAcls: ipRules ? { defaultAction: "Deny", bypass: "AzureServices", ipRules } : { defaultAction: "Allow", bypass: "AzureServices" },
                },
            },
            { parent: this },
        );

        const audit =
            args.auditLogWorkspaceId === undefined
                ? undefined
                : new monitor.DiagnosticSetting(
                      `${name}-audit`,
                      {
                          resourceUri: vault.id,
                          workspaceId: args.auditLogWorkspaceId,
                          logs: [{ category: "AuditEvent", enabled: true }],
                      },
                      { parent: this },
                  );

        this.systemTopicName = args.eventNotifications
            ? new eventgrid.SystemTopic(
                  `${name}-events`,
                  {
                      resourceGroupName,
                      source: vault.id,
                      topicType: "Microsoft.KeyVault.vaults",
                      // A system topic lives in its source's region.
                      location: vault.location,
                      tags: args.tags,
                  },
                  { parent: this },
              ).name
            : undefined;

        // Connections write their secrets and grant their readers against these: with an audit log,
        // nothing is published or readable before reads are logged.
        const auditReady = audit ? audit.id : pulumi.output("");
        this.vaultId = pulumi.all([vault.id, auditReady]).apply(([id]) => id);
        this.vaultName = pulumi.all([vault.name, auditReady]).apply(([vaultName]) => vaultName);
        this.vaultUri = vault.properties.apply((p) => p.vaultUri ?? "");
        this.resourceGroupName = resourceGroupName;
        this.tenantId = client.tenantId;
        this.allowedIpRanges = settings.allowedIpRanges && [...settings.allowedIpRanges];
        this.sku = settings.sku;
        if (args.vaultKeyCredentials) {
            const access = declareVaultKeyAccess(this, name, {
                vaultId: this.vaultId,
                vaultName: this.vaultName,
                deployerObjectId: args.deployerObjectId ?? client.objectId,
                deployerPrincipalType: settings.deployerPrincipalType,
            });
            // Known once the deployer may make keys too: a connection that makes its key with this
            // vault then waits for that grant (Azure still takes a while to apply it; the key
            // runtime retries until then).
            this.keySignerRoleDefinitionId = pulumi.all([access.keySignerRoleDefinitionId, access.deployerAssignment.id]).apply(([id]) => id);
        }
        this.registerOutputs({
            vaultId: this.vaultId,
            vaultName: this.vaultName,
            vaultUri: this.vaultUri,
            resourceGroupName: this.resourceGroupName,
            tenantId: this.tenantId,
            systemTopicName: this.systemTopicName,
            sku: this.sku,
            keySignerRoleDefinitionId: this.keySignerRoleDefinitionId,
        });
    }
}
