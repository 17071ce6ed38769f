import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { issueLines as issuesOf } from "../support/validation";
import {
    MicrosoftGraph,
    Office365ExchangeOnline,
    closeMatches,
    isBroadRole,
    isPlausibleAppRoleValue,
    resolvePermissions,
    roleBreadth,
    wellKnownApis,
} from "../../components/permissions";

const GRAPH = "00000003-0000-0000-c000-000000000000";
const EXCHANGE = "00000002-0000-0ff1-ce00-000000000000";
const AT = "connections.archiver.permissions";

// The 2021 incident's permission, resolved.
const EXCHANGE_FULL_ACCESS = {
    api: "Office365ExchangeOnline",
    apiClientId: EXCHANGE,
    role: "full_access_as_app",
    appRoleId: "dc890d15-9560-4a4c-9b7f-a736ec74ec40",
    broad: true,
    broadReason: "full access to every mailbox through Exchange Web Services",
};

describe("resolvePermissions", () => {
    it("the 2021 scenario: Exchange full_access_as_app is broad, Graph User.Read.All is not", () => {
        const resolved = resolvePermissions(
            [
                { api: "Office365ExchangeOnline", roles: ["full_access_as_app"] },
                { api: "MicrosoftGraph", roles: ["User.Read.All"] },
            ],
            AT,
        );
        assert.deepEqual(resolved, [
            EXCHANGE_FULL_ACCESS,
            {
                api: "MicrosoftGraph",
                apiClientId: GRAPH,
                role: "User.Read.All",
                appRoleId: "df021288-bdef-4463-88db-98f22de89214",
                broad: false,
            },
        ]);
        assert.ok(!("broadReason" in resolved[1]), "a narrow role carries no reason");
    });

    it("keeps the order given: APIs, then each API's roles", () => {
        const resolved = resolvePermissions(
            [
                { api: "MicrosoftGraph", roles: ["Mail.Read", "User.Read.All", "Sites.Selected"] },
                { api: "Office365ExchangeOnline", roles: ["Exchange.ManageAsApp"] },
            ],
            AT,
        );
        assert.deepEqual(
            resolved.map((p) => [p.api, p.role, p.appRoleId, p.broad]),
            [
                ["MicrosoftGraph", "Mail.Read", "810c84a8-4a9e-49e6-bf7d-12d183f40d01", true],
                ["MicrosoftGraph", "User.Read.All", "df021288-bdef-4463-88db-98f22de89214", false],
                ["MicrosoftGraph", "Sites.Selected", "883ea226-0bf2-4a8f-9f9d-92c9162a727d", false],
                ["Office365ExchangeOnline", "Exchange.ManageAsApp", "dc50a0fb-09a3-484d-be87-e023b12c6440", true],
            ],
        );
    });

    it("reports a well-known API given by client id (any case) under its name, with catalog ids", () => {
        const resolved = resolvePermissions([{ api: "00000002-0000-0FF1-CE00-000000000000", roles: ["full_access_as_app"] }], AT);
        assert.deepEqual(resolved, [EXCHANGE_FULL_ACCESS]);
        assert.deepEqual(
            resolvePermissions([{ api: "microsoft graph", roles: ["User.Read.All"] }], AT).map((p) => p.api),
            ["MicrosoftGraph"],
        );
    });

    it("leaves roles the catalog does not list to the tenant when the API is given by client id", () => {
        const resolved = resolvePermissions(
            [
                { api: EXCHANGE, roles: ["IMAP.AccessAsApp", "Mail.ReadWrite"] },
                { api: "AAAAAAAA-1111-2222-3333-444444444444", roles: ["Things.ReadWrite.All", "Things.Read"] },
            ],
            AT,
        );
        assert.deepEqual(resolved, [
            { api: "Office365ExchangeOnline", apiClientId: EXCHANGE, role: "IMAP.AccessAsApp", appRoleId: undefined, broad: false },
            {
                api: "Office365ExchangeOnline",
                apiClientId: EXCHANGE,
                role: "Mail.ReadWrite",
                appRoleId: undefined,
                broad: true,
                broadReason: "reaches every mailbox",
            },
            {
                api: "aaaaaaaa-1111-2222-3333-444444444444",
                apiClientId: "aaaaaaaa-1111-2222-3333-444444444444",
                role: "Things.ReadWrite.All",
                appRoleId: undefined,
                broad: true,
                broadReason: "writes every object of its kind in the tenant",
            },
            {
                api: "aaaaaaaa-1111-2222-3333-444444444444",
                apiClientId: "aaaaaaaa-1111-2222-3333-444444444444",
                role: "Things.Read",
                appRoleId: undefined,
                broad: false,
            },
        ]);
    });

    it("collects every problem at once, each named by its path, with what is allowed", () => {
        const issues = issuesOf(() =>
            resolvePermissions(
                [
                    { api: "Office365ExchangeOnline", roles: ["full_access_as_app"] },
                    { api: "MicrosoftGraph", roles: ["Mail.ReadWriteAll", "user.read.all", "Mail.Read", "Mail.Read", ""] },
                    { api: "NotAnApi", roles: ["X"] },
                    { api: GRAPH, roles: ["Read All"] },
                    { api: "Office365ExchangeOnline", roles: [] },
                    { api: "Exchange", role: ["x"] } as any,
                    "x" as any,
                ],
                AT,
            ),
        );
        assert.deepEqual(issues, [
            `${AT}[1].roles[0]: "Mail.ReadWriteAll" is not an application permission of MicrosoftGraph. Did you mean "Mail.ReadWrite"?`,
            `${AT}[1].roles[1]: "user.read.all" is not an application permission of MicrosoftGraph. Did you mean "User.Read.All"?`,
            `${AT}[1].roles[3]: "Mail.Read" is already listed at ${AT}[1].roles[2]; list each permission once.`,
            `${AT}[1].roles[4]: "" is not a permission value; use a value such as "User.Read.All".`,
            `${AT}[2].api: "NotAnApi" is neither a well-known API nor a client id; use a well-known API (MicrosoftGraph or ` +
                `Office365ExchangeOnline) or an API's client id, a GUID such as 00000003-0000-0000-c000-000000000000.`,
            `${AT}[3].api: MicrosoftGraph is already listed at ${AT}[1]; list each API once, with all its roles.`,
            `${AT}[3].roles[0]: "Read All" cannot be an application permission value: Entra allows 1-120 letters, digits and ` +
                `!#$%&'()*+,-./:;<=>?@[]^_\`{|}~ (no spaces), not starting with ".".`,
            `${AT}[4].api: Office365ExchangeOnline is already listed at ${AT}[0]; list each API once, with all its roles.`,
            `${AT}[4].roles: must list at least one application permission of Office365ExchangeOnline.`,
            `${AT}[5].role: is not a permission setting; use api and roles.`,
            `${AT}[5].api: "Exchange" is neither a well-known API nor a client id; use a well-known API (MicrosoftGraph or ` +
                `Office365ExchangeOnline) or an API's client id, a GUID such as 00000003-0000-0000-c000-000000000000.`,
            `${AT}[5].roles: is missing; list the application permissions of this API to grant, e.g. ["User.Read.All"].`,
            `${AT}[6]: "x" is not a permission; use { api, roles }, e.g. { api: "MicrosoftGraph", roles: ["User.Read.All"] }.`,
        ]);
    });

    it("rejects a missing, empty or malformed list", () => {
        const example = `e.g. [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }].`;
        assert.deepEqual(
            issuesOf(() => resolvePermissions([], AT)),
            [`${AT}: must list at least one application permission, ${example}`],
        );
        assert.deepEqual(
            issuesOf(() => resolvePermissions(undefined, AT)),
            [`${AT}: is missing; list the application permissions to grant, ${example}`],
        );
        assert.deepEqual(
            issuesOf(() => resolvePermissions({} as any, AT)),
            [`${AT}: {} is not a list; use ${example}`],
        );
        assert.deepEqual(
            issuesOf(() => resolvePermissions(null as any, AT)),
            [`${AT}: is missing; list the application permissions to grant, ${example}`],
        );
        // Component arguments have no config path: the argument's own name stands in.
        assert.deepEqual(
            issuesOf(() => resolvePermissions([], "")),
            [`permissions: must list at least one application permission, ${example}`],
        );
    });

    it("says what is wrong with an entry's api and roles, whatever was written there", () => {
        const cycle: Record<string, unknown> = {};
        cycle.self = cycle;
        const issues = issuesOf(() =>
            resolvePermissions(
                [
                    null,
                    { roles: ["User.Read.All"] },
                    { api: 42, roles: null },
                    { api: "  ", roles: "User.Read.All" },
                    { api: "MicrosoftGraph", roles: [undefined, 42, " ", Symbol("x"), 10n, cycle, () => "User.Read.All"] },
                ] as any,
                AT,
            ),
        );
        const allowed = "use a well-known API (MicrosoftGraph or Office365ExchangeOnline) or an API's client id, a GUID such as 00000003-0000-0000-c000-000000000000.";
        const notAValue = (shown: string, index: number) => `${AT}[4].roles[${index}]: ${shown} is not a permission value; use a value such as "User.Read.All".`;
        assert.deepEqual(issues, [
            `${AT}[0]: null is not a permission; use { api, roles }, e.g. { api: "MicrosoftGraph", roles: ["User.Read.All"] }.`,
            `${AT}[1].api: is missing; ${allowed}`,
            `${AT}[2].api: 42 is not an API; ${allowed}`,
            `${AT}[2].roles: is missing; list the application permissions of this API to grant, e.g. ["User.Read.All"].`,
            `${AT}[3].api: "  " is not an API; ${allowed}`,
            `${AT}[3].roles: "User.Read.All" is not a list of permission values; use e.g. ["User.Read.All"].`,
            notAValue("undefined", 0),
            notAValue("42", 1),
            notAValue('" "', 2),
            notAValue("Symbol(x)", 3),
            notAValue("10n", 4),
            notAValue("<ref *1> { self: [Circular *1] }", 5),
            notAValue("[Function (anonymous)]", 6),
        ]);
        assert.deepEqual(
            issuesOf(() => resolvePermissions([{ api: "NotAnApi", roles: [] }], AT)),
            [`${AT}[0].api: "NotAnApi" is neither a well-known API nor a client id; ${allowed}`, `${AT}[0].roles: must list at least one application permission of this API.`],
        );
    });

    it("suggests a role of another resource when the resource itself is misspelt", () => {
        assert.deepEqual(
            issuesOf(() => resolvePermissions([{ api: "MicrosoftGraph", roles: ["Froup.Read.All"] }], AT)),
            [`${AT}[0].roles[0]: "Froup.Read.All" is not an application permission of MicrosoftGraph. Did you mean "Group.Read.All"?`],
        );
        // Across the whole catalog, not only the roles that share the misspelt name's first letter.
        assert.deepEqual(
            issuesOf(() => resolvePermissions([{ api: "MicrosoftGraph", roles: ["ser.Read.All"] }], AT)),
            [`${AT}[0].roles[0]: "ser.Read.All" is not an application permission of MicrosoftGraph. Did you mean "User.Read.All" or "Sites.Read.All"?`],
        );
    });

    it("says which API a role belongs to when it is listed under the other one", () => {
        assert.deepEqual(
            issuesOf(() => resolvePermissions([{ api: "Office365ExchangeOnline", roles: ["Mail.Read"] }], AT)),
            [`${AT}[0].roles[0]: "Mail.Read" is not an application permission of Office365ExchangeOnline. ` + `It is one of MicrosoftGraph's; list it under that API.`],
        );
    });

    it("explains how to grant a role the catalog does not list", () => {
        assert.deepEqual(
            issuesOf(() => resolvePermissions([{ api: "MicrosoftGraph", roles: ["Bookings.Read.All"] }], AT)),
            [
                `${AT}[0].roles[0]: "Bookings.Read.All" is not an application permission of MicrosoftGraph. This library's catalog ` +
                    `does not list it; to grant it anyway, name the API by its client id (${GRAPH}) and the role is looked up ` +
                    `in the tenant at deploy time.`,
            ],
        );
    });

    it("treats inherited object keys as unknown roles, not as catalog entries", () => {
        const issues = issuesOf(() => resolvePermissions([{ api: "MicrosoftGraph", roles: ["constructor", "toString"] }], AT));
        assert.equal(issues.length, 2);
        assert.match(issues[0], /^connections\.archiver\.permissions\[0\]\.roles\[0\]: "constructor" is not an application permission of MicrosoftGraph\./);
    });

    it("resolves any selection of catalog roles to exactly the catalog's ids and flags (property)", () => {
        const request = fc
            .uniqueArray(fc.constantFrom(...wellKnownApis), { minLength: 1, maxLength: 2 })
            .chain((apis) =>
                fc.tuple(
                    ...apis.map((api) =>
                        fc
                            .uniqueArray(fc.constantFrom(...Object.keys(api.roles)), { minLength: 1, maxLength: 8 })
                            .chain((roles) => fc.record({ api: fc.constantFrom(api.name, api.clientId, api.clientId.toUpperCase()), roles: fc.constant(roles) })),
                    ),
                ),
            );
        fc.assert(
            fc.property(request, (permissions) => {
                const resolved = resolvePermissions(permissions, AT);
                const expected = permissions.flatMap(({ api, roles }) => {
                    const known = wellKnownApis.find((k) => k.name === api || k.clientId === api.toLowerCase())!;
                    return roles.map((role) => [known.name, known.clientId, role, known.roles[role].id, known.roles[role].broad]);
                });
                assert.deepEqual(
                    resolved.map((p) => [p.api, p.apiClientId, p.role, p.appRoleId, p.broad]),
                    expected,
                );
            }),
        );
    });

    it("rejects any API that is neither a well-known name nor a GUID (property)", () => {
        const notAnApi = fc
            .string({ minLength: 1, maxLength: 40 })
            .filter(
                (s) =>
                    s.trim() !== "" &&
                    !/^[0-9a-f-]{36}$/i.test(s) &&
                    !wellKnownApis.some((k) => k.name.toLowerCase() === s.replace(/\s+/g, "").toLowerCase()) &&
                    !wellKnownApis.some((k) => k.displayName.replace(/\s+/g, "").toLowerCase() === s.replace(/\s+/g, "").toLowerCase()),
            );
        fc.assert(
            fc.property(notAnApi, (api) => {
                const issues = issuesOf(() => resolvePermissions([{ api, roles: ["User.Read.All"] }], AT));
                assert.deepEqual(issues, [
                    `${AT}[0].api: ${JSON.stringify(api)} is neither a well-known API nor a client id; use a well-known API ` +
                        `(MicrosoftGraph or Office365ExchangeOnline) or an API's client id, a GUID such as 00000003-0000-0000-c000-000000000000.`,
                ]);
            }),
        );
    });
});

describe("isBroadRole", () => {
    it("uses the catalog for the roles it lists", () => {
        assert.equal(isBroadRole("Office365ExchangeOnline", "full_access_as_app"), true);
        assert.equal(isBroadRole(EXCHANGE, "full_access_as_app"), true);
        assert.equal(isBroadRole("MicrosoftGraph", "User.Read.All"), false);
        assert.equal(isBroadRole("MicrosoftGraph", "Sites.Selected"), false);
        // Broad by the catalog although its name looks read-only: it reads every group's conversations.
        assert.equal(isBroadRole("MicrosoftGraph", "Group.Read.All"), true);
        assert.deepEqual(roleBreadth("MicrosoftGraph", "Mail.Send"), { broad: true, reason: "sends mail as any user" });
    });

    it("judges roles the catalog does not list by their name", () => {
        const other = "11111111-2222-3333-4444-555555555555";
        // Each pattern with the reason a reviewer is shown, and lookalikes that stay narrow.
        const cases: [string, string | undefined][] = [
            ["full_access_as_app", "full access to every mailbox"],
            ["Things.ReadWrite.All", "writes every object of its kind in the tenant"],
            ["Sites.FullControl.All", "manages every object of its kind in the tenant"],
            ["Things.Manage.All", "manages every object of its kind in the tenant"],
            ["RoleManagement.ReadWrite.Directory", "changes directory-wide configuration"],
            ["Mail.Read", "reaches every mailbox"],
            ["Mail.ReadBasic.All", "reaches every mailbox"],
            ["Mail.Send", "sends mail as any user"],
            ["Calendars.ReadWrite", "reaches every mailbox"],
            ["MailboxSettings.ReadWrite", "changes the settings of every mailbox"],
            ["Files.Read.All", "reads content across the whole tenant"],
            ["ChannelMessage.Read.All", "reads content across the whole tenant"],
            ["MailboxSettings.Read", undefined],
            ["Things.Read.All", undefined],
            ["Things.Read", undefined],
            ["IMAP.AccessAsApp", undefined],
            ["Sites.Selected", undefined],
        ];
        for (const [role, reason] of cases) {
            assert.deepEqual(roleBreadth(other, role), reason === undefined ? { broad: false } : { broad: true, reason }, role);
            assert.equal(isBroadRole(other, role), reason !== undefined, role);
        }
        assert.equal(isBroadRole(GRAPH, "Bookings.ReadWrite.All"), true, "an un-catalogued role of a well-known API");
    });

    it("judges a role's whole name: an API's own role whose name only contains a broad one is not flagged for it", () => {
        const own = "11111111-2222-3333-4444-555555555555";
        for (const role of [
            "no_full_access_as_app",
            "full_access_as_app_readonly",
            "Widgets.ReadWrite.AllOwned",
            "Widgets.Manage.AllOwned",
            "Widgets.ReadWrite.DirectoryOwned",
            "Contoso.Mail.Send",
            "Mail.SendDigest",
            "Contoso.Mail.Read",
            "Mail.ReadStatistics",
            "Contoso.MailboxSettings.ReadWrite",
            "MailboxSettings.ReadWriteOwn",
            "Contoso.Files.Read.All",
            "Files.Read.AllOwned",
        ]) {
            assert.deepEqual(roleBreadth(own, role), { broad: false }, role);
        }
    });
});

describe("app role values and suggestions", () => {
    it("accepts exactly what Entra allows in appRole.value", () => {
        for (const ok of ["User.Read.All", "full_access_as_app", "a", "x".repeat(120), "Task:Write/All", "role-1~"]) {
            assert.equal(isPlausibleAppRoleValue(ok), true, ok);
        }
        for (const bad of ["", ".Read", "Read All", "x".repeat(121), 'Mail"Read', "Mail\\Read", "Mäil.Read", "Mail\tRead"]) {
            assert.equal(isPlausibleAppRoleValue(bad), false, bad);
        }
    });

    it("suggests the closest spellings first, and nothing far off", () => {
        assert.deepEqual(closeMatches("Sites.Readall", Object.keys(MicrosoftGraph.roles)), ["Sites.Read.All", "Files.Read.All", "Notes.Read.All"]);
        // In messages, spellings of the same resource win over near misses elsewhere.
        assert.deepEqual(
            issuesOf(() => resolvePermissions([{ api: "MicrosoftGraph", roles: ["Sites.Readall"] }], AT)),
            [`${AT}[0].roles[0]: "Sites.Readall" is not an application permission of MicrosoftGraph. Did you mean "Sites.Read.All"?`],
        );
        assert.deepEqual(closeMatches("full_acces_as_app", Object.keys(Office365ExchangeOnline.roles)), ["full_access_as_app"]);
        // Three at most, although a fourth (User.Read.All) is within reach too.
        assert.deepEqual(closeMatches("otes.Read.All", Object.keys(MicrosoftGraph.roles)), ["Notes.Read.All", "Sites.Read.All", "Files.Read.All"]);
        assert.deepEqual(closeMatches("Completely.Different.Thing", Object.keys(MicrosoftGraph.roles)), []);
    });
});
