// Catalog of well-known APIs and the application permissions (app roles) vendor connections use.
//
// Every app role id below was read from Microsoft's documentation; none is guessed:
// - Microsoft Graph: the "All permissions and IDs" table of the Graph permissions reference,
//   https://learn.microsoft.com/graph/permissions-reference#all-permissions-and-ids
//   (generated from the Graph service principal; source file concepts/includes/permissions-ids.md in
//   https://github.com/microsoftgraph/microsoft-graph-docs-contrib). Only "Application" rows are used:
//   a delegated permission of the same name has a different id and cannot be granted to an app.
// - Office 365 Exchange Online, full_access_as_app: "Authenticate an EWS application by using OAuth",
//   https://learn.microsoft.com/exchange/client-developer/exchange-web-services/how-to-authenticate-an-ews-application-by-using-oauth
// - Office 365 Exchange Online, Exchange.ManageAsApp: "Use Azure managed identities to connect to
//   Exchange Online PowerShell", https://learn.microsoft.com/powershell/exchange/connect-exo-powershell-managed-identity
//   ("the Id (GUID) value of the Exchange.ManageAsApp API permission that's the same in every organization").
//
// Left out on purpose: Exchange Online's own Mail.*/Calendars.*/MailboxSettings.*/IMAP/POP app roles and
// Office 365 SharePoint Online's roles, whose ids Microsoft does not document (only third-party dumps of
// service principals list them). Grant those by naming the API by its client id: the role is then
// resolved at deploy time from the tenant's service principal (see resolvePermissions).
//
// "broad" marks a role that, granted as an application permission, reaches content or control across
// the whole tenant: every mailbox (mail, calendars, contacts, tasks), every file, site, chat or meeting,
// or write access to the directory, apps, role assignments, consent or sign-in policy. Read-only
// directory metadata, reports and security signals are not broad.

import { isGuid } from "../guid";

/** One application permission of an API, as its service principal publishes it. */
export interface AppRoleInfo {
    /** The app role id: the same in every tenant for Microsoft's first-party APIs. */
    readonly id: string;
    /** Whether the role reaches tenant-wide content or control (see the catalog header). */
    readonly broad: boolean;
    /** Why the role is broad, in one line; present exactly when `broad` is true. */
    readonly broadReason?: string;
}

/** An API a connection can name by `name` instead of its client id. */
export interface WellKnownApi {
    /** The name used in configuration and resource names, e.g. `MicrosoftGraph`. */
    readonly name: string;
    /** The display name of the API's service principal in a tenant, e.g. `Microsoft Graph`. */
    readonly displayName: string;
    /** The API's application (client) id, the same in every tenant. */
    readonly clientId: string;
    /** Application permissions by value (`User.Read.All`), each with its app role id. */
    readonly roles: Readonly<Record<string, AppRoleInfo>>;
}

function narrow(id: string): AppRoleInfo {
    return Object.freeze({ id, broad: false });
}

function broad(id: string, broadReason: string): AppRoleInfo {
    return Object.freeze({ id, broad: true, broadReason });
}

function api(name: string, displayName: string, clientId: string, roles: Record<string, AppRoleInfo>): WellKnownApi {
    return Object.freeze({ name, displayName, clientId, roles: Object.freeze(roles) });
}

export const MicrosoftGraph: WellKnownApi = api("MicrosoftGraph", "Microsoft Graph", "00000003-0000-0000-c000-000000000000", {
    // Directory and identity, read only.
    "User.Read.All": narrow("df021288-bdef-4463-88db-98f22de89214"),
    "Group.Read.All": broad("5b567255-7703-4780-807c-7be8301ae99b", "also reads the conversations of every Microsoft 365 group"),
    "GroupMember.Read.All": narrow("98830695-27a2-44f7-8c18-0c3ebc9698f6"),
    "Directory.Read.All": narrow("7ab1d382-f21e-4acd-a863-ba3e13f7da61"),
    "Organization.Read.All": narrow("498476ce-e0fe-48b0-b801-37ba7e2685c6"),
    "Domain.Read.All": narrow("dbb9058a-0e50-45d7-ae91-66909b5d4664"),
    "Application.Read.All": narrow("9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30"),
    "RoleManagement.Read.Directory": narrow("483bed4a-2ad3-4361-a73b-c83ccdbdc53c"),
    "Member.Read.Hidden": narrow("658aa5d8-239f-45c4-aa12-864f4fc7e490"),
    "OrgContact.Read.All": narrow("e1a88a34-94c4-4418-be12-c87b00e26bea"),
    "Device.Read.All": narrow("7438b122-aefc-4978-80ed-43db9fcc7715"),
    "AdministrativeUnit.Read.All": narrow("134fd756-38ce-4afd-ba33-e9623dbe66c2"),
    "UserAuthenticationMethod.Read.All": narrow("38d9df27-64da-44fd-b7c5-a6fbac20248f"),

    // Audit, reports, policy and security signals, read only.
    "AuditLog.Read.All": narrow("b0afded3-3588-46d8-8b3d-9842eff778da"),
    "Reports.Read.All": narrow("230c1aed-a721-4c5d-9cb4-a90514e508ef"),
    "Policy.Read.All": narrow("246dd0d5-5bd0-4def-940b-0421030a5b68"),
    "Policy.Read.ConditionalAccess": narrow("37730810-e9ba-4e46-b07e-8ca78d182097"),
    "IdentityRiskyUser.Read.All": narrow("dc5007c0-2d7d-4c42-879c-2dab87571379"),
    "IdentityRiskEvent.Read.All": narrow("6e472fd1-ad78-48da-a0f0-97ab2c6b769e"),
    "IdentityRiskyServicePrincipal.Read.All": narrow("607c7344-0eed-41e5-823a-9695ebe1b7b0"),
    "SecurityEvents.Read.All": narrow("bf394140-e372-4bf9-a898-299cfc7564e5"),
    "SecurityAlert.Read.All": narrow("472e4a4d-bb4a-4026-98d1-0b0d74cb74a5"),
    "SecurityIncident.Read.All": narrow("45cc0394-e837-488b-a098-1918f48d186c"),
    "ThreatHunting.Read.All": narrow("dd98c7f5-2d42-42d3-a0e4-633161547251"),
    "ServiceHealth.Read.All": narrow("79c261e0-fe76-4144-aad5-bdc68fbe4037"),
    "ServiceMessage.Read.All": narrow("1b620472-6534-4fe6-9df2-4680e8aa28ec"),
    "DeviceManagementManagedDevices.Read.All": narrow("2f51be20-0bb4-4fed-bf7b-db946066c75e"),
    "InformationProtectionPolicy.Read.All": narrow("19da66cb-0fb0-4390-b071-ebc76a349482"),
    "CallRecords.Read.All": narrow("45bbb07e-7321-4fd7-a8f6-3ff27e6a81c8"),

    // Mailboxes: application mail permissions reach every mailbox unless Exchange scopes them.
    "Mail.Read": broad("810c84a8-4a9e-49e6-bf7d-12d183f40d01", "reads mail in every mailbox"),
    "Mail.ReadBasic.All": broad("693c5e45-0940-467d-9b8a-1022fb9d42ef", "reads senders, recipients and subjects of mail in every mailbox"),
    "Mail.ReadWrite": broad("e2a3a72e-5f79-4c64-b1b1-878b674786c9", "reads, changes and deletes mail in every mailbox"),
    "Mail.Send": broad("b633e1c5-b582-4048-a93e-9f11b44c7e96", "sends mail as any user"),
    "MailboxSettings.Read": narrow("40f97065-369a-49f4-947c-6a255697ae91"),
    "MailboxSettings.ReadWrite": broad("6931bccd-447a-43d1-b442-00a195474933", "changes the settings of every mailbox"),
    "Calendars.Read": broad("798ee544-9d2d-430c-a058-570e29e34338", "reads every calendar in every mailbox"),
    "Calendars.ReadWrite": broad("ef54d2bf-783f-4e0f-bca1-3210c0444d99", "changes every calendar in every mailbox"),
    "Contacts.Read": broad("089fe4d0-434a-44c5-8827-41ba8a0b17f5", "reads the contacts in every mailbox"),
    "Contacts.ReadWrite": broad("6918b873-d17a-4dc1-b314-35f528134491", "changes the contacts in every mailbox"),
    "Tasks.Read.All": broad("f10e1f91-74ed-437f-a6fd-d6ae88e26c1f", "reads every user's tasks"),
    "Notes.Read.All": broad("3aeca27b-ee3a-4c2b-8ded-80376e2134a4", "reads every OneNote notebook in the organization"),

    // Files and sites.
    "Files.Read.All": broad("01d4889c-1287-42c6-ac1f-5d1e02578ef6", "reads every file in every OneDrive and site"),
    "Files.ReadWrite.All": broad("75359482-378d-4052-8f01-80520e7db3cd", "changes and deletes every file in every OneDrive and site"),
    "Sites.Read.All": broad("332a536c-c7ef-4017-ab91-336970924f0d", "reads every document and list item in every site"),
    "Sites.ReadWrite.All": broad("9492366f-7969-46a4-8d15-ed1a20078fff", "changes and deletes every document and list item in every site"),
    "Sites.Manage.All": broad("0c0bf378-bf22-4481-8f81-9e89a9b4960a", "creates, changes and deletes lists and documents in every site"),
    "Sites.FullControl.All": broad("a82116e5-55eb-4c41-a434-62fe8a61c773", "has full control of every site"),
    // Reaches only the sites an administrator grants the app one by one.
    "Sites.Selected": narrow("883ea226-0bf2-4a8f-9f9d-92c9162a727d"),

    // Teams.
    "Team.ReadBasic.All": narrow("2280dda6-0bfd-44ee-a2f4-cb867cfc4c1e"),
    "Channel.ReadBasic.All": narrow("59a6b24b-4225-4393-8165-ebaec5f55d7a"),
    "TeamMember.Read.All": narrow("660b7406-55f1-41ca-a0ed-0b035e182f3e"),
    "ChannelMember.Read.All": narrow("3b55498e-47ec-484f-8136-9013221c06a9"),
    "Chat.ReadBasic.All": narrow("b2e060da-3baf-4687-9611-f4ebc0f0cbde"),
    "ChannelMessage.Read.All": broad("7b2449af-6ccd-4f4d-9f78-e550c193f0d1", "reads every message in every Teams channel"),
    "Chat.Read.All": broad("6b7d71aa-70aa-4810-a8d9-5d9fb2830017", "reads every Teams chat message"),
    "ChatMessage.Read.All": broad("b9bb2381-47a4-46cd-aafb-00cb12f68504", "reads every Teams chat message"),
    "OnlineMeetingTranscript.Read.All": broad("a4a80d8d-d283-4bd8-8504-555ec3870630", "reads the transcript of every online meeting"),
    "OnlineMeetingRecording.Read.All": broad("a4a08342-c95d-476b-b943-97e100569c8d", "reads the recording of every online meeting"),

    // Directory, app and policy writes: each can take over accounts, apps or the tenant's sign-in rules.
    "User.ReadWrite.All": broad("741f803b-c850-494e-b5df-cde7c675a1ca", "creates, changes and deletes users across the directory"),
    "Group.ReadWrite.All": broad("62a82d76-70ea-41e2-9197-370581804d09", "changes every group, its members and its content"),
    "GroupMember.ReadWrite.All": broad("dbaae8cf-10b5-4b86-a4a1-f871c94c6695", "changes the members of every group"),
    "Directory.ReadWrite.All": broad("19dbc75e-c2e2-444c-a770-ec69d8559fc7", "changes any directory object"),
    "Application.ReadWrite.All": broad("1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", "adds credentials to any app, acting with that app's permissions"),
    "AppRoleAssignment.ReadWrite.All": broad("06b708a9-e830-4db3-a914-8e69da51d44f", "grants any app any application permission, including itself"),
    "DelegatedPermissionGrant.ReadWrite.All": broad("8e8e4742-1d95-4f68-9d56-6ee75648c72a", "grants any app any delegated permission for any user"),
    "RoleManagement.ReadWrite.Directory": broad("9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8", "assigns any directory role, Global Administrator included"),
    "Policy.ReadWrite.ConditionalAccess": broad("01c0a623-fc9b-48e9-b794-0756f8e8f067", "changes the Conditional Access policies that guard every sign-in"),
    "UserAuthenticationMethod.ReadWrite.All": broad("50483e42-d915-4231-9639-7fdb7fd190e5", "changes every user's sign-in methods"),
    "Domain.ReadWrite.All": broad("7e05723c-0bb0-42da-be95-ae9f08a6e53c", "adds and federates domains, which lets it sign in as their users"),
});

export const Office365ExchangeOnline: WellKnownApi = api("Office365ExchangeOnline", "Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000", {
    // The permission of the January 2021 incident: one stolen certificate reached every mailbox of
    // every customer that had granted it.
    full_access_as_app: broad("dc890d15-9560-4a4c-9b7f-a736ec74ec40", "full access to every mailbox through Exchange Web Services"),
    // Authentication only: what the app may do is set by the directory role it is also given
    // (Exchange Administrator reaches every mailbox and the organization's configuration).
    "Exchange.ManageAsApp": broad("dc50a0fb-09a3-484d-be87-e023b12c6440", "runs Exchange Online PowerShell as the app, with whatever its directory role allows"),
});

/** Every API the catalog knows, in the order they are listed to users. */
export const wellKnownApis: readonly WellKnownApi[] = Object.freeze([MicrosoftGraph, Office365ExchangeOnline]);

export { isGuid };

/** Whether `value` has the form of an application (client) id. */
export function isClientId(value: string): boolean {
    return isGuid(value);
}

// Names compare without case or spaces, so `microsoftgraph` and the display name
// `Office 365 Exchange Online` both name their API.
function nameKey(value: string): string {
    return value.replace(/\s+/g, "").toLowerCase();
}

/**
 * The well-known API named `nameOrClientId`: its catalog name (any case, spaces ignored), its
 * service principal's display name, or its client id. Undefined for anything else.
 */
export function findWellKnownApi(nameOrClientId: string): WellKnownApi | undefined {
    if (typeof nameOrClientId !== "string") {
        return undefined;
    }
    if (isClientId(nameOrClientId)) {
        const clientId = nameOrClientId.toLowerCase();
        return wellKnownApis.find((known) => known.clientId === clientId);
    }
    const key = nameKey(nameOrClientId);
    return wellKnownApis.find((known) => nameKey(known.name) === key || nameKey(known.displayName) === key);
}

/** The catalog entry for `role` of `known`, or undefined when the catalog does not list it. */
export function findAppRole(known: WellKnownApi, role: string): AppRoleInfo | undefined {
    return Object.hasOwn(known.roles, role) ? known.roles[role] : undefined;
}
