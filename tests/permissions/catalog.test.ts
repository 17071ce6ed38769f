import * as assert from "node:assert/strict";
import { MicrosoftGraph, Office365ExchangeOnline, broadByName, findAppRole, findWellKnownApi, isGuid, wellKnownApis } from "../../components/permissions";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("permission catalog", () => {
    it("knows Microsoft Graph and Exchange Online by their published client ids", () => {
        assert.deepEqual(
            wellKnownApis.map((api) => [api.name, api.displayName, api.clientId]),
            [
                ["MicrosoftGraph", "Microsoft Graph", "00000003-0000-0000-c000-000000000000"],
                ["Office365ExchangeOnline", "Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000"],
            ],
        );
    });

    it("holds the application (not delegated) ids Microsoft documents", () => {
        // Spot checks against the sources named in catalog.ts.
        const expected: [typeof MicrosoftGraph, string, string][] = [
            [MicrosoftGraph, "User.Read.All", "df021288-bdef-4463-88db-98f22de89214"],
            [MicrosoftGraph, "Group.Read.All", "5b567255-7703-4780-807c-7be8301ae99b"],
            [MicrosoftGraph, "Directory.Read.All", "7ab1d382-f21e-4acd-a863-ba3e13f7da61"],
            [MicrosoftGraph, "Mail.Read", "810c84a8-4a9e-49e6-bf7d-12d183f40d01"],
            [MicrosoftGraph, "Mail.ReadBasic.All", "693c5e45-0940-467d-9b8a-1022fb9d42ef"],
            [MicrosoftGraph, "Files.Read.All", "01d4889c-1287-42c6-ac1f-5d1e02578ef6"],
            [MicrosoftGraph, "Sites.Selected", "883ea226-0bf2-4a8f-9f9d-92c9162a727d"],
            [MicrosoftGraph, "RoleManagement.ReadWrite.Directory", "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"],
            [Office365ExchangeOnline, "full_access_as_app", "dc890d15-9560-4a4c-9b7f-a736ec74ec40"],
            [Office365ExchangeOnline, "Exchange.ManageAsApp", "dc50a0fb-09a3-484d-be87-e023b12c6440"],
        ];
        for (const [api, role, id] of expected) {
            assert.equal(findAppRole(api, role)?.id, id, `${api.name} ${role}`);
        }
        // Delegated ids of the same names must never appear: they cannot be granted to an app.
        const delegated = [
            "a154be20-db9c-4678-8ab7-66f6cc099a59", // User.Read.All
            "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", // Mail.Read
            "06da0dbc-49e2-44d2-8312-53f166ab848a", // Directory.Read.All
            "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5", // EWS.AccessAsUser.All
        ];
        const ids = wellKnownApis.flatMap((api) => Object.values(api.roles).map((role) => role.id));
        for (const id of delegated) {
            assert.ok(!ids.includes(id), id);
        }
    });

    it("has well-formed, unique ids and a reason for every broad role", () => {
        const all = wellKnownApis.flatMap((api) => Object.values(api.roles).map((role) => role.id));
        assert.equal(new Set(all).size, all.length, "no id appears twice");
        for (const api of wellKnownApis) {
            assert.match(api.clientId, GUID);
            for (const [value, role] of Object.entries(api.roles)) {
                assert.match(role.id, GUID, `${api.name} ${value}`);
                assert.equal(typeof role.broad, "boolean");
                if (role.broad) {
                    assert.ok(role.broadReason && role.broadReason.length > 10, `${api.name} ${value} says why it is broad`);
                } else {
                    assert.equal(role.broadReason, undefined, `${api.name} ${value}`);
                }
            }
        }
        assert.ok(Object.keys(MicrosoftGraph.roles).length >= 30);
    });

    it("flags every role the name patterns would flag, and names the narrow ones explicitly", () => {
        for (const api of wellKnownApis) {
            for (const [value, role] of Object.entries(api.roles)) {
                if (broadByName(value).broad) {
                    assert.equal(role.broad, true, `${api.name} ${value}`);
                }
            }
        }
        // A change to this list is a security decision: review it.
        assert.deepEqual(
            Object.entries(MicrosoftGraph.roles)
                .filter(([, role]) => !role.broad)
                .map(([value]) => value)
                .sort(),
            [
                "AdministrativeUnit.Read.All",
                "Application.Read.All",
                "AuditLog.Read.All",
                "CallRecords.Read.All",
                "Channel.ReadBasic.All",
                "ChannelMember.Read.All",
                "Chat.ReadBasic.All",
                "Device.Read.All",
                "DeviceManagementManagedDevices.Read.All",
                "Directory.Read.All",
                "Domain.Read.All",
                "GroupMember.Read.All",
                "IdentityRiskEvent.Read.All",
                "IdentityRiskyServicePrincipal.Read.All",
                "IdentityRiskyUser.Read.All",
                "InformationProtectionPolicy.Read.All",
                "MailboxSettings.Read",
                "Member.Read.Hidden",
                "OrgContact.Read.All",
                "Organization.Read.All",
                "Policy.Read.All",
                "Policy.Read.ConditionalAccess",
                "Reports.Read.All",
                "RoleManagement.Read.Directory",
                "SecurityAlert.Read.All",
                "SecurityEvents.Read.All",
                "SecurityIncident.Read.All",
                "ServiceHealth.Read.All",
                "ServiceMessage.Read.All",
                "Sites.Selected",
                "Team.ReadBasic.All",
                "TeamMember.Read.All",
                "ThreatHunting.Read.All",
                "User.Read.All",
                "UserAuthenticationMethod.Read.All",
            ],
        );
        assert.deepEqual(
            Object.entries(Office365ExchangeOnline.roles).map(([value, role]) => [value, role.broad]),
            [
                ["full_access_as_app", true],
                ["Exchange.ManageAsApp", true],
            ],
        );
    });

    it("finds an API by name (any case, spaces ignored), display name or client id", () => {
        assert.equal(findWellKnownApi("MicrosoftGraph"), MicrosoftGraph);
        assert.equal(findWellKnownApi("microsoftgraph"), MicrosoftGraph);
        assert.equal(findWellKnownApi("Microsoft Graph"), MicrosoftGraph);
        assert.equal(findWellKnownApi("00000003-0000-0000-C000-000000000000"), MicrosoftGraph);
        assert.equal(findWellKnownApi("Office 365 Exchange Online"), Office365ExchangeOnline);
        assert.equal(findWellKnownApi("00000002-0000-0ff1-ce00-000000000000"), Office365ExchangeOnline);
        for (const unknown of ["Graph", "SharePoint", "00000003-0000-0ff1-ce00-000000000000", "", "constructor", "__proto__"]) {
            assert.equal(findWellKnownApi(unknown), undefined, unknown);
        }
    });

    it("looks roles up as the catalog's own keys only", () => {
        for (const inherited of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
            assert.equal(findAppRole(MicrosoftGraph, inherited), undefined, inherited);
        }
        assert.equal(findAppRole(MicrosoftGraph, "user.read.all"), undefined, "values are case-sensitive, as in tokens");
    });

    it("cannot be changed at run time", () => {
        assert.ok(Object.isFrozen(wellKnownApis));
        assert.ok(Object.isFrozen(MicrosoftGraph));
        assert.ok(Object.isFrozen(MicrosoftGraph.roles));
        assert.ok(Object.isFrozen(MicrosoftGraph.roles["User.Read.All"]));
    });

    it("finds an API by its name or its display name, in any case and spacing, or by its client id; nothing else", () => {
        for (const name of ["MicrosoftGraph", "microsoftgraph", "Microsoft Graph", "MICROSOFT  GRAPH", "00000003-0000-0000-C000-000000000000"]) {
            assert.equal(findWellKnownApi(name), MicrosoftGraph, name);
        }
        for (const name of ["Office 365 Exchange Online", "Office 365 ExchangeOnline", "office365exchangeonline"]) {
            assert.equal(findWellKnownApi(name), Office365ExchangeOnline, name);
        }
        for (const name of ["Graph", "MicrosoftGraph2", "x00000003-0000-0000-c000-000000000000", "00000003-0000-0000-c000-0000000000001", 42 as unknown as string]) {
            assert.equal(findWellKnownApi(name), undefined, String(name));
        }
    });

    it("a client id is a GUID and nothing around it", () => {
        assert.equal(isGuid("00000003-0000-0000-c000-000000000000"), true);
        assert.equal(isGuid("00000003-0000-0000-C000-000000000000"), true);
        for (const bad of [
            "{00000003-0000-0000-c000-000000000000}",
            "00000003-0000-0000-c000-000000000000 ",
            "urn:00000003-0000-0000-c000-000000000000",
            "00000003000000000c000000000000000",
        ]) {
            assert.equal(isGuid(bad), false, bad);
        }
    });
});
