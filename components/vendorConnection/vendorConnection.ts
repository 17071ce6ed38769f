import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { Certificate } from "../certificate";
import { formatIssue, IssueCollector, ValidationError } from "../errors";
import { ResolvedPermission, isGuid } from "../permissions";
import { CertificatePolicyInput, PlannedCertificate } from "../rotation";
import { parseInstant, toRfc3339 } from "../time";
import { VaultReference, checkVaultAdmits } from "../vault";
import { roleDefinitionIdIn } from "../armId";
import { vaultReaderOf } from "./vaultReader";
import { deployInstant } from "./clock";
import { ApiLookup, requiredResourceAccesses } from "./apiPermissions";
import { declareFederatedCredential } from "./federated";
import { declareKeyCredential } from "./keyCredential";
import { declareReaderAssignments } from "./readerAccess";
import { VaultKeyVault, declareVaultKeyCredential } from "./vaultKeyCredential";
import type { VaultKeyCertificate } from "../vaultKey/resource";
import { AllowedIpRangesState, CredentialType } from "./choices";
import { declareNetworkPolicy } from "./networkPolicy";
import { declareRotationNotice } from "./notify";
import { ownersWithDeployer, warnWhenNotTheDeployer } from "./owners";
import { checkPlainArguments } from "./plainArgs";
import { declareSweep } from "./sweep";
import type { SweepMode } from "./choices";
import type { DeclaredConnection, Stray } from "../sweep/model";
import { ConnectionPlan, notAnObjectId, planConnection } from "./validation";

// Built-in Azure role "Key Vault Secrets User": read secret contents, nothing else
// (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security#key-vault-secrets-user).
export const KEY_VAULT_SECRETS_USER_ROLE_ID = "4633458b-17de-408a-b874-0445c86b69e6";

/** What the vault secret holds while a connection is suspended: no certificate at all. */
export const SUSPENDED_SECRET_VALUE = "suspended: this vendor connection has no credential";

/** A scheduled slot as the outputs and the sweep see it, whichever resource holds its certificate. */
interface IssuedSlot {
    readonly planned: PlannedCertificate;
    readonly certificate: Pick<Certificate, "thumbprintSha1" | "notBefore" | "notAfter">;
    readonly keyCredential: azuread.ApplicationCertificate;
    /** Vault key only: the key version the certificate's private key is. */
    readonly keyVersion?: Pick<VaultKeyCertificate, "keyId" | "thumbprintSha256">;
}

/** Each connection's plan (VendorConnection's `plan`), kept beside the component rather than in a field of it. */
const plans = new WeakMap<VendorConnection, ConnectionPlan>();
const declarations = new WeakMap<VendorConnection, pulumi.Output<DeclaredConnection>>();

/**
 * Something on the application or service principal that the stack does not declare, as the
 * connection's `strays` output lists it. Plain strings, so that every Pulumi language reads it.
 */
export interface StrayItem {
    /** `application` or `servicePrincipal`. */
    object: string;
    /** The object id of that application or service principal. */
    objectId: string;
    /** What it is: keyCredential, passwordCredential, federatedCredential, appRoleAssignment, delegatedGrant or owner. */
    kind: string;
    /** Its id in Microsoft Graph. */
    id: string;
    /** One line for a person: what it is and, for a credential, until when it is valid. */
    description: string;
    /** Its name as whoever added it chose it, when it has one. */
    displayName?: string;
    /** When it was added, as far as Microsoft Graph says. */
    created?: string;
}

// The arguments are also the component's schema in the other Pulumi languages (docs/languages.md):
// Pulumi's analyzer reads them from these interfaces, each doc comment becoming the description
// there. Hence its rules: nested values are named interfaces, literal choices are the objects of
// ./choices, instants are RFC 3339 text, lists are plain arrays; `Input<T>` marks what another
// resource's output may give, everything else is a plain value that decides which resources exist.

export interface VendorConnectionArgs {
    /** Display name of the Entra application and service principal. Default: the resource name. */
    displayName?: pulumi.Input<string>;
    /**
     * Object ids of the users or service principals that own the application and its service
     * principal, besides the deployer (`deployerObjectId`), which is always an owner. Default: none.
     */
    owners?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Object id of the identity that runs this stack's deploys, typically the CI pipeline's service
     * principal. It is always an owner of the application and service principal, so that
     * `Application.ReadWrite.OwnedBy` lets it rotate and revoke at every later deploy, whoever ran
     * an earlier one. A deploy run by another identity keeps this one as owner (and warns): that
     * identity then needs a role that may change applications it does not own. Default: whoever runs
     * this deploy (a deploy by someone else then makes them the owner instead).
     */
    deployerObjectId?: pulumi.Input<string>;
    /** Free text kept on the application, e.g. the vendor's contract or contact. Default: none. */
    notes?: pulumi.Input<string>;
    /**
     * Application permissions, by value, per API: `{ api: "MicrosoftGraph", roles: ["User.Read.All"] }`.
     * Plain values: they decide which consent assignments exist.
     */
    permissions: ApiPermissions[];
    /** Grant admin consent (one app role assignment per role). Default: true. */
    grantConsent?: boolean;
    /** Certificate policy: `lifetime` (default P30D), `renewBefore` (default lifetime/3), `keySize` (default 2048). */
    certificate?: CertificatePolicyInput;
    /**
     * Revoke every certificate issued before the latest of these RFC 3339 instants (one, or e.g.
     * this connection's and a tenant-wide one): the next deploy removes them with no overlap and
     * issues fresh ones. None may be in the future. Default: none.
     */
    revokeIssuedBefore?: string[];
    /** Keep the app registration but remove every credential and disable sign-in. Default: false. */
    suspended?: boolean;
    /**
     * The Key Vault that keeps the active certificate (or, for a vault-key connection, the key): a
     * VendorVault (in TypeScript), or its (or an existing vault's) id, name and resource group; a
     * vault-key connection also needs its `vaultUri` and `keySignerRoleDefinitionId`. Required
     * unless the credential is federated (nothing to keep).
     */
    vault?: VaultReference;
    /** Name of the vault secret (1-127 letters, digits, hyphens). Default: `<name>-certificate`. */
    secretName?: string;
    /**
     * The vendor's identities (service principal object ids): granted "Key Vault Secrets User" on
     * this connection's secret alone, or for a vault-key connection the vault's key-signer role
     * (read and sign) on this connection's key alone. Default: none.
     */
    readers?: string[];
    /**
     * How the vendor signs in. Default: certificates (`{ type: "certificate" }`), rotated as
     * `certificate` says. `{ type: "federated", issuer, subject, audiences?, trustedFrom }`: the
     * vendor's own identity provider vouches for its workload instead (workload identity
     * federation): no certificate, no vault secret. `{ type: "vaultKey", hardwareProtected? }`:
     * certificates rotated the same way, whose private keys are versions of the Key Vault key
     * `<name>-key`, never exportable: the vendor signs through Key Vault (docs/security.md).
     */
    credential?: ConnectionCredential;
    /**
     * IPv4/IPv6 addresses or CIDR ranges (public, /8 or longer) the service principal may sign in
     * from: a named location and a Conditional Access policy block every other network. Needs a
     * Workload Identities Premium licence. Plain values. Default: none (sign-in from anywhere).
     */
    allowedIpRanges?: string[];
    /** `enabled` blocks sign-ins outside `allowedIpRanges`; `reportOnly` only logs them, to try the ranges first. Default: enabled. */
    allowedIpRangesState?: AllowedIpRangesState;
    /**
     * Public IPv4 addresses or CIDR ranges (/8 or narrower) the readers fetch the certificate from,
     * for a vault whose firewall admits only the networks it lists (VendorVault `allowedIpRanges`).
     * Needs no Conditional Access licence. Plain values. Default: the IPv4 entries of
     * `allowedIpRanges` (the networks the vendor signs in from).
     */
    readerIpRanges?: string[];
    /**
     * Tell the vendor when its certificate changes: an Event Grid subscription on the vault's
     * system topic sends this connection's SecretNewVersionCreated and SecretNearExpiry events to
     * `webhookUrl`. The vault needs a system topic (`VendorVault` `eventNotifications: true`, or
     * `systemTopicName` of an existing vault). Default: none.
     */
    notify?: RotationNotices;
    /**
     * The deploy instant the rotation schedule is computed for, RFC 3339, e.g. to see what a deploy
     * at another time would declare. Default: one instant taken once per program run (or pinned by
     * the environment variable VENDOR_CONNECTIONS_DEPLOY_INSTANT).
     */
    now?: string;
    /**
     * What every deploy does with credentials, permissions and owners on the application and
     * service principal that the stack does not declare (docs/security.md#the-sweep): `enforce`
     * removes them, `report` lists them in `strays` and warns, `off` does not look. Default: enforce.
     */
    sweep?: SweepMode;
}

/** The application permissions granted on one API. */
export interface ApiPermissions {
    /** A well-known API name (MicrosoftGraph, Office365ExchangeOnline, ...) or the API's client id. */
    api: string;
    /** The API's application permissions (app roles) by value, e.g. `User.Read.All`. */
    roles: string[];
}

/** How the vendor signs in: certificates (the default), a federated credential, or certificates whose key stays in Key Vault. */
export interface ConnectionCredential {
    /** `certificate`; `federated`: the vendor's identity provider vouches for its workload; `vaultKey`: the private key never leaves Key Vault. */
    type: CredentialType;
    /** Federated only, required: the identity provider's https issuer URL (the `iss` claim). */
    issuer?: string;
    /** Federated only, required: the vendor workload's identifier at that issuer (the `sub` claim). */
    subject?: string;
    /** Federated only: the `aud` claim, exactly one value. Default: `["api://AzureADTokenExchange"]`. */
    audiences?: string[];
    /**
     * Federated only, required: since when this issuer and subject are trusted, RFC 3339, not in
     * the future. A revocation cutoff after it removes the credential until it is set at or after
     * the cutoff.
     */
    trustedFrom?: string;
    /** Vault key only: an HSM-protected key (`RSA-HSM`), which needs a Premium vault. Default: false (software-protected `RSA`). */
    hardwareProtected?: boolean;
}

/** Where a connection's rotation notices go. */
export interface RotationNotices {
    /** The vendor's https endpoint. It may carry an access key: it is kept secret in state. */
    webhookUrl: string;
}

/** One certificate of a connection as exposed in outputs (never key material). */
export interface ConnectionCertificateInfo {
    /** The slot it occupies, `a` or `b`: windows alternate between the two. */
    slot: string;
    /** What the schedule issued it for: its rotation window, and a revocation cutoff when one applies. */
    identity: string;
    /** SHA-1 thumbprint, as Entra shows key credentials. */
    thumbprint: string;
    /** Start of validity, RFC 3339. */
    notBefore: string;
    /** End of validity, RFC 3339. */
    notAfter: string;
    /** Whether the vault publishes this one. */
    active: boolean;
    /** Vault key only: the versioned id of its key version, `https://<vault>/keys/<name>-key/<version>`. */
    keyId?: string;
    /** Vault key only: its `x5t#S256` (base64url SHA-256 of its DER), which its key version's `x5t-S256` tag carries. */
    thumbprintSha256?: string;
}

/**
 * A third-party vendor's access to this tenant: an Entra application and service principal with
 * exactly the application permissions listed (admin-consented), authenticated by a certificate
 * unique to this connection, short-lived, rotated by redeploying and kept in Key Vault where only
 * the named readers can fetch it (or by a federated credential instead). Optionally pinned to the
 * vendor's networks, and announcing each rotation to the vendor's webhook.
 */
export class VendorConnection extends pulumi.ComponentResource {
    /** Display name of the application and service principal. */
    public readonly displayName: pulumi.Output<string>;
    /** The application's client (app) id: what the vendor signs in as. */
    public readonly applicationClientId: pulumi.Output<string>;
    /** The application's object id. */
    public readonly applicationObjectId: pulumi.Output<string>;
    /** The service principal's object id: the app's identity in this tenant, which holds the granted permissions. */
    public readonly servicePrincipalObjectId: pulumi.Output<string>;
    /** The vault secret's name; undefined for a federated connection (no secret). */
    public readonly secretName: pulumi.Output<string | undefined>;
    /** Versionless URI of the vault secret: it always returns the active certificate. Undefined for a federated connection. */
    public readonly secretUri: pulumi.Output<string | undefined>;
    /** SHA-1 thumbprint of the active certificate (the one the vault publishes, or signs with); undefined while suspended, or for a federated connection. */
    public readonly activeThumbprint: pulumi.Output<string | undefined>;
    /**
     * Vault key only: the key's stable id, `https://<vault>/keys/<name>-key`, where the vendor's
     * signer always finds the current version (the newest enabled one). Undefined otherwise.
     */
    public readonly keyUri: pulumi.Output<string | undefined>;
    /** Vault key only: the versioned id of the active certificate's key version; undefined while suspended, or otherwise. */
    public readonly activeKeyId: pulumi.Output<string | undefined>;
    /** Vault key only: the active certificate's `x5t#S256` (base64url SHA-256 of its DER), for a signer given `activeKeyId`. */
    public readonly activeThumbprintSha256: pulumi.Output<string | undefined>;
    /** Every certificate registered now (one, or two during an overlap), never key material. */
    public readonly certificates: pulumi.Output<ConnectionCertificateInfo[]>;
    /** RFC 3339 instant from which a deploy rotates the certificate; undefined while suspended. */
    public readonly nextRotation: pulumi.Output<string | undefined>;
    /** `api/role` of every granted permission that reaches tenant-wide mail, files or directory. */
    public readonly broadPermissions: pulumi.Output<string[]>;
    /** What the application and service principal hold that the stack does not declare: listed by `sweep: report`, none after an enforced sweep. */
    public readonly strays: pulumi.Output<StrayItem[]>;

    /**
     * The validated settings and rotation schedule this deploy declares (plain values, for plans).
     * A getter, not a field: the component's outputs in the other languages are its fields, and a
     * plan is TypeScript's alone.
     */
    public get plan(): ConnectionPlan {
        return plans.get(this)!;
    }

    /**
     * What the stack declares on the application and service principal: what the sweep and `npm
     * run verify` compare the tenant with. A getter, like `plan`: TypeScript's alone.
     */
    public get declared(): pulumi.Output<DeclaredConnection> {
        return declarations.get(this)!;
    }

    constructor(name: string, args: VendorConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("vendor-connections:index:VendorConnection", name, {}, opts);

        const plan = validateArgs(name, args, this);
        plans.set(this, plan);
        const displayName = args.displayName ?? name;
        const apis = new ApiLookup(this);
        const caller = azuread.getClientConfigOutput({ parent: this }).objectId;
        const owners = ownersWithDeployer(args.owners, args.deployerObjectId ?? caller);
        if (args.deployerObjectId !== undefined) {
            warnWhenNotTheDeployer(caller, args.deployerObjectId, this);
        }

        const application = new azuread.Application(
            `${name}-app`,
            {
                displayName,
                signInAudience: "AzureADMyOrg",
                owners,
                notes: args.notes,
                // The permissions the app asks for, also without our consent: an admin granting
                // consent in the portal grants exactly these, and the portal lists them.
                requiredResourceAccesses: requiredResourceAccesses(plan.permissions, apis),
            },
            { parent: this },
        );
        const servicePrincipal = new azuread.ServicePrincipal(
            `${name}-sp`,
            {
                clientId: application.clientId,
                // Disabled while suspended: no token is issued even for a credential we missed.
                accountEnabled: !plan.suspended,
                // Users and other clients need an assignment to sign in to this application or to
                // call it. This does not limit the vendor's own app-only sign-in (client
                // credentials): its permissions and its credential alone decide that.
                appRoleAssignmentRequired: true,
                owners,
                notes: args.notes,
            },
            { parent: this },
        );

        // The notice subscription exists before the secret it announces gets a version, so the
        // vendor hears of every certificate the vault publishes, the first one included.
        const notice =
            plan.notify && plan.secretName !== undefined
                ? declareRotationNotice(this, name, plan.notify, plan.secretName, {
                      // validateArgs made sure the vault names its system topic.
                      systemTopicName: args.vault!.systemTopicName!,
                      resourceGroupName: args.vault!.resourceGroupName,
                  })
                : undefined;
        const certificates = plan.secretName === undefined ? undefined : this.declareCertificates(name, plan, plan.secretName, args.vault!, application, notice);
        const vaultKey = plan.credential.type === "vaultKey" ? declareVaultKeyCredential(this, name, plan, plan.credential, vaultKeyVaultOf(args.vault!), application) : undefined;
        const federatedCredential = plan.credential.type === "federated" ? declareFederatedCredential(this, name, plan.credential, application) : undefined;
        if (plan.allowedNetworks) {
            declareNetworkPolicy(this, name, displayName, plan.allowedNetworks, servicePrincipal);
        }

        const consent = plan.grantConsent ? this.declareConsent(name, plan.permissions, servicePrincipal, apis) : [];
        const issued: IssuedSlot[] = certificates?.issued ?? vaultKey?.slots.map((slot) => ({ ...slot, keyVersion: slot.certificate })) ?? [];
        const keyCredentials = issued.map((c) => ({ thumbprint: c.certificate.thumbprintSha1, resource: c.keyCredential }));
        const sweep = declareSweep(this, name, plan, {
            application,
            servicePrincipal,
            owners,
            keyCredentials,
            federatedCredential,
            consent,
            apis,
        });
        this.strays = sweep.strays.apply((found) => found.map(strayItem));
        declarations.set(this, sweep.declared);

        this.displayName = pulumi.output(displayName);
        this.applicationClientId = application.clientId;
        this.applicationObjectId = application.objectId;
        this.servicePrincipalObjectId = servicePrincipal.objectId;
        this.secretName = certificates ? certificates.secret.name : pulumi.output(undefined);
        // `properties` is secret as a whole (it carries the PKCS#12); its URI is not.
        this.secretUri = certificates ? pulumi.unsecret(certificates.secret.properties.apply((p) => p.secretUri)) : pulumi.output(undefined);
        const active = issued.find((c) => c.planned.active);
        this.activeThumbprint = active ? active.certificate.thumbprintSha1 : pulumi.output(undefined);
        this.keyUri = vaultKey ? vaultKey.keyUri : pulumi.output(undefined);
        this.activeKeyId = active?.keyVersion ? active.keyVersion.keyId : pulumi.output(undefined);
        this.activeThumbprintSha256 = active?.keyVersion ? active.keyVersion.thumbprintSha256 : pulumi.output(undefined);
        this.certificates = pulumi.output(
            issued.map(({ planned, certificate, keyVersion }) => ({
                slot: planned.slot,
                identity: planned.identity,
                thumbprint: certificate.thumbprintSha1,
                notBefore: certificate.notBefore,
                notAfter: certificate.notAfter,
                active: planned.active,
                ...(keyVersion ? { keyId: keyVersion.keyId, thumbprintSha256: keyVersion.thumbprintSha256 } : {}),
            })),
        );
        const nextRotation = plan.schedule?.nextRotation;
        this.nextRotation = pulumi.output(nextRotation ? toRfc3339(nextRotation) : undefined);
        this.broadPermissions = pulumi.output(plan.permissions.filter((p) => p.broad).map((p) => `${p.api}/${p.role}`));

        this.registerOutputs({
            displayName: this.displayName,
            applicationClientId: this.applicationClientId,
            applicationObjectId: this.applicationObjectId,
            servicePrincipalObjectId: this.servicePrincipalObjectId,
            secretName: this.secretName,
            secretUri: this.secretUri,
            activeThumbprint: this.activeThumbprint,
            keyUri: this.keyUri,
            activeKeyId: this.activeKeyId,
            activeThumbprintSha256: this.activeThumbprintSha256,
            certificates: this.certificates,
            nextRotation: this.nextRotation,
            broadPermissions: this.broadPermissions,
            strays: this.strays,
        });
    }

    /**
     * The certificate credential: one certificate and key credential per scheduled slot, the vault
     * secret with the active one, and its readers.
     */
    private declareCertificates(
        name: string,
        plan: ConnectionPlan,
        secretName: string,
        vault: VaultReference,
        application: azuread.Application,
        notice: pulumi.Resource | undefined,
    ): { issued: { planned: PlannedCertificate; certificate: Certificate; keyCredential: azuread.ApplicationCertificate }[]; secret: keyvault.Secret } {
        const issued = (plan.schedule?.certificates ?? []).map((planned) => ({
            planned,
            ...this.declareCertificate(name, planned, plan, application),
        }));
        const active = issued.find((c) => c.planned.active);

        const secret = new keyvault.Secret(
            `${name}-secret`,
            {
                resourceGroupName: vault.resourceGroupName,
                vaultName: vault.vaultName,
                secretName,
                // The secret is updated in place (a new version), never replaced: Key Vault keeps a
                // deleted secret's name reserved while it is soft-deleted, and purge protection
                // forbids purging it, so a delete-and-recreate would fail for up to 90 days.
                properties: active
                    ? {
                          // The SDK does not mark `value` secret by itself.
                          value: pulumi.secret(active.certificate.pfxBase64),
                          contentType: "application/x-pkcs12",
                          // From the schedule, equal to the certificate's own dates: known at preview.
                          attributes: {
                              enabled: true,
                              notBefore: epochSeconds(active.planned.notBefore),
                              expires: epochSeconds(active.planned.notAfter),
                          },
                      }
                    : { value: pulumi.secret(SUSPENDED_SECRET_VALUE), contentType: "text/plain", attributes: { enabled: false } },
                tags: active
                    ? {
                          connection: name,
                          applicationClientId: application.clientId,
                          thumbprintSha1: active.certificate.thumbprintSha1,
                          notAfter: toRfc3339(active.planned.notAfter),
                      }
                    : { connection: name, applicationClientId: application.clientId, state: "suspended" },
            },
            {
                parent: this,
                // Publish only what Entra accepts: the vault hands the vendor the active
                // certificate (and Key Vault announces it) only once its key credential is
                // registered. The engine runs every step whose inputs are ready at once, and the
                // secret's inputs come from the certificate alone, so only this dependency orders
                // it after the registration; if the registration fails, the vault keeps serving
                // the previous, still registered certificate. While suspended there is nothing to
                // wait for: the secret is emptied before the key credentials are deleted.
                dependsOn: [...(active ? [active.keyCredential] : []), ...(notice ? [notice] : [])],
                // Left in the vault, not deleted, when the program stops declaring it (the connection
                // removed, switched to federated, or its secretName changed). ARM cannot delete a
                // secret: azure-native deletes it through the vault's data plane, which needs a data
                // role and a network path the deploy otherwise does without. And Pulumi deletes
                // dependents first, so a failing secret delete would hold back the delete of the
                // key credential it depends on: the credential that matters would stay registered.
                // Suspending a connection before removing it leaves the secret empty and disabled.
                retainOnDelete: true,
            },
        );

        if (!plan.suspended) {
            const readerRole = pulumi.output(vault.vaultId).apply((vaultId) => secretsUserRoleIn(vaultId, this));
            declareReaderAssignments(this, name, "reader", plan.readers, readerRole, pulumi.interpolate`${vault.vaultId}/secrets/${secret.name}`);
        }
        return { issued, secret };
    }

    /** One certificate slot: the certificate itself and its key credential on the application. */
    private declareCertificate(
        name: string,
        planned: PlannedCertificate,
        plan: ConnectionPlan,
        application: azuread.Application,
    ): { certificate: Certificate; keyCredential: azuread.ApplicationCertificate } {
        const certificate = new Certificate(
            `${name}-cert-${planned.slot}`,
            {
                // The connection's name, not its display name: the subject is part of the
                // certificate, so a cosmetic rename would otherwise re-issue both slots at once
                // and cut the vendor off until it fetched the new one.
                commonName: name,
                keySize: plan.policy?.keySize,
                notBefore: toRfc3339(planned.notBefore),
                notAfter: toRfc3339(planned.notAfter),
                identity: planned.identity,
            },
            { parent: this },
        );
        const keyCredential = declareKeyCredential(this, name, planned, application, certificate.certificatePem);
        return { certificate, keyCredential };
    }

    /** Admin consent: one app role assignment per granted role, on the API's service principal in this tenant. */
    private declareConsent(name: string, permissions: readonly ResolvedPermission[], servicePrincipal: azuread.ServicePrincipal, apis: ApiLookup): azuread.AppRoleAssignment[] {
        const assignments: azuread.AppRoleAssignment[] = [];
        for (const permission of permissions) {
            const assignment = new azuread.AppRoleAssignment(
                `${name}-consent-${permission.api}-${permission.role}`,
                {
                    appRoleId: apis.appRoleId(permission),
                    principalObjectId: servicePrincipal.objectId,
                    resourceObjectId: apis.servicePrincipal(permission.apiClientId).objectId,
                },
                { parent: this },
            );
            assignments.push(assignment);
        }
        return assignments;
    }
}

function validateArgs(name: string, args: VendorConnectionArgs, resource: pulumi.Resource): ConnectionPlan {
    const refuse = (problems: readonly string[]): never => {
        throw new pulumi.ResourceError(`invalid arguments for VendorConnection ${JSON.stringify(name)}:\n${problems.join("\n")}`, resource);
    };
    const unknowns = new IssueCollector();
    checkPlainArguments(args as unknown as Record<string, unknown>, unknowns);
    if (unknowns.issues.length > 0) {
        refuse(unknowns.issues.map(formatIssue));
    }
    const problems: string[] = [];
    // A federated connection keeps nothing in a vault; any other needs one.
    const credentialType = (args.credential as { type?: unknown } | undefined)?.type;
    const federated = credentialType === "federated";
    if (!(federated && args.vault === undefined) && !isVaultReference(args.vault)) {
        problems.push("vault: must be a VendorVault or an object with vaultId, vaultName and resourceGroupName.");
    }
    if (args.notify !== undefined && credentialType !== "vaultKey" && !federated && isVaultReference(args.vault) && args.vault.systemTopicName === undefined) {
        problems.push(
            "notify: the vault has no Event Grid system topic to subscribe to; create the VendorVault with eventNotifications: true, " +
                "or give an existing vault's systemTopicName (Azure allows one system topic per vault).",
        );
    }
    if (credentialType === "vaultKey" && isVaultReference(args.vault)) {
        problems.push(...vaultKeyProblems(args.vault, args.credential?.hardwareProtected));
    }
    if (typeof args.deployerObjectId === "string" && !isGuid(args.deployerObjectId)) {
        problems.push(`deployerObjectId: ${notAnObjectId(args.deployerObjectId)}`);
    }
    const now = args.now === undefined ? deployInstant() : parseInstant(args.now);
    if (now === undefined) {
        problems.push(`now: ${JSON.stringify(args.now)} is not an RFC 3339 instant; use e.g. 2026-12-01T09:00:00Z, or leave it out for the deploy instant.`);
    }
    let plan: ConnectionPlan | undefined;
    try {
        plan = planConnection(name, args, now ?? deployInstant());
    } catch (err) {
        if (!(err instanceof ValidationError)) {
            throw err;
        }
        problems.push(...err.issues.map(formatIssue));
    }
    if (plan && isVaultReference(args.vault)) {
        const issues = new IssueCollector();
        const client = vaultReaderOf(plan, "");
        checkVaultAdmits(args.vault.allowedIpRanges, "vault.allowedIpRanges", client, issues);
        problems.push(...issues.issues.map(formatIssue));
    }
    if (problems.length > 0 || !plan) {
        return refuse(problems);
    }
    return plan;
}

/** What a vault-key connection needs of its vault (validateArgs made sure the reference has it). */
function vaultKeyVaultOf(vault: VaultReference): VaultKeyVault {
    const keySignerRoleDefinitionId = vault.keySignerRoleDefinitionId!;
    return {
        vaultId: vault.vaultId,
        // With the role's dependencies: VendorVault's role id waits for the deployer's grant to make
        // keys, so no key is made before the deployer may make it.
        vaultUri: pulumi.all([vault.vaultUri!, keySignerRoleDefinitionId]).apply(([uri]) => uri),
        keySignerRoleDefinitionId,
    };
}

/** What a vault-key connection needs of its vault beyond a reference: where to make keys, the signers' role, HSM keys if asked. */
function vaultKeyProblems(vault: VaultReference, hardwareProtected: unknown): string[] {
    const needed = 'required for credential.type "vaultKey"';
    return [
        ...(isPresent(vault.vaultUri)
            ? []
            : [
                  `vault.vaultUri: ${needed}: the deploy makes the connection's key through it; give the VendorVault's vaultUri, or the existing vault's https://<name>.vault.azure.net/.`,
              ]),
        ...(isPresent(vault.keySignerRoleDefinitionId)
            ? []
            : [
                  `vault.keySignerRoleDefinitionId: ${needed}: create the VendorVault with vaultKeyCredentials: true; for an existing vault, give the id of a role with only ` +
                      "Microsoft.KeyVault/vaults/keys/read and Microsoft.KeyVault/vaults/keys/sign/action, and grant the deploying identity Key Vault Crypto Officer on the vault.",
              ]),
        ...(hardwareProtected === true && vault.sku === "standard"
            ? [
                  "credential.hardwareProtected: the vault is a standard vault, which holds no HSM-protected keys; create the VendorVault with sku: premium, or leave hardwareProtected out.",
              ]
            : []),
    ];
}

function isVaultReference(vault: unknown): vault is VaultReference {
    if (typeof vault !== "object" || vault === null) {
        return false;
    }
    const reference = vault as Record<string, unknown>;
    return ["vaultId", "vaultName", "resourceGroupName"].every((key) => isPresent(reference[key]));
}

function isPresent(value: unknown): boolean {
    return pulumi.Output.isInstance(value) || (typeof value === "string" && value.length > 0) || value instanceof Promise;
}

function epochSeconds(instant: Date): number {
    return Math.floor(instant.getTime() / 1000);
}

/** Key Vault Secrets User in the vault's subscription, or an error naming `vault.vaultId` when it is no ARM resource id. */
function secretsUserRoleIn(vaultId: string, resource: pulumi.Resource): string {
    try {
        return roleDefinitionIdIn(vaultId, KEY_VAULT_SECRETS_USER_ROLE_ID);
    } catch (err) {
        throw new pulumi.ResourceError(`vault.vaultId: ${(err as Error).message}`, resource);
    }
}

/** A stray as the outputs list it: what Graph leaves unknown is left out rather than null. */
function strayItem(stray: Stray): StrayItem {
    const { object, objectId, kind, id, description, displayName, created } = stray;
    return { object, objectId, kind, id, description, ...(displayName ? { displayName } : {}), ...(created ? { created } : {}) };
}
