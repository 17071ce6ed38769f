import * as assert from "node:assert/strict";
import { ValidationError } from "../../components/errors";
import { DeclaredConnection, LiveConnection, LiveKeyCredential, planSweep, thumbprintOfKey } from "../../components/sweep";

const APP = "aaaaaaaa-0000-4000-8000-000000000001";
const SP = "aaaaaaaa-0000-4000-8000-000000000002";
const DEPLOYER = "dddddddd-0000-4000-8000-000000000001";
const DECLARED_THUMBPRINT = "A".repeat(40);
const PENDING_THUMBPRINT = "B".repeat(40);
const ATTACKER_THUMBPRINT = "C".repeat(40);

function key(keyId: string, thumbprint: string, customKeyIdentifier: string | null = null, displayName = "CN=x"): LiveKeyCredential {
    return {
        keyId,
        thumbprint,
        displayName,
        endDateTime: "2026-06-01T00:00:00Z",
        graph: { keyId, key: "MIIB", customKeyIdentifier, displayName, type: "AsymmetricX509Cert", usage: "Verify", startDateTime: null, endDateTime: "2026-06-01T00:00:00Z" },
    };
}

const declared: DeclaredConnection = {
    application: { objectId: APP, keyCredentialThumbprints: [DECLARED_THUMBPRINT], owners: [DEPLOYER] },
    servicePrincipal: { objectId: SP, keyCredentialThumbprints: [], owners: [DEPLOYER] },
    federatedCredential: {
        issuer: "https://token.actions.githubusercontent.com",
        subject: "repo:vendor/app:environment:prod",
        audiences: ["api://AzureADTokenExchange", "api://b"],
    },
    consent: [{ resourceId: "eeeeeeee-0000-4000-8000-000000000001", appRoleId: "ffffffff-0000-4000-8000-000000000001" }],
};

function live(
    overrides: { application?: Partial<NonNullable<LiveConnection["application"]>>; servicePrincipal?: Partial<NonNullable<LiveConnection["servicePrincipal"]>> | null } = {},
): LiveConnection {
    return {
        application: {
            objectId: APP,
            keyCredentials: [],
            passwordCredentials: [],
            federatedIdentityCredentials: [],
            owners: [{ id: DEPLOYER, type: null }],
            ...overrides.application,
        },
        servicePrincipal:
            overrides.servicePrincipal === null
                ? null
                : {
                      objectId: SP,
                      accountEnabled: true,
                      keyCredentials: [],
                      passwordCredentials: [],
                      appRoleAssignments: [],
                      oauth2PermissionGrants: [],
                      owners: [{ id: DEPLOYER, type: null }],
                      ...overrides.servicePrincipal,
                  },
    };
}

describe("the sweep planner", () => {
    it("identifies a certificate by its bytes: a stray that copies a declared thumbprint into customKeyIdentifier is removed, the declared one kept under any keyId", () => {
        const disguised = Buffer.from(DECLARED_THUMBPRINT, "hex").toString("base64");
        const plan = planSweep(declared, live({ application: { keyCredentials: [key("k-declared", DECLARED_THUMBPRINT), key("k-attacker", ATTACKER_THUMBPRINT, disguised)] } }));

        assert.equal(plan.operations.length, 1);
        const [patch] = plan.operations;
        assert.equal(patch.action, "replaceKeyCredentials");
        assert.deepEqual(patch.action === "replaceKeyCredentials" && patch.keep.map((k) => k.keyId), ["k-declared"]);
        assert.deepEqual(
            plan.strays.map((s) => s.description),
            [`certificate ${ATTACKER_THUMBPRINT} "CN=x" until 2026-06-01T00:00:00Z (keyId k-attacker)`],
        );
    });

    it("leaves a key credential the stack is still creating or deleting, though it is not declared", () => {
        const found = live({ application: { keyCredentials: [key("k-declared", DECLARED_THUMBPRINT), key("k-pending", PENDING_THUMBPRINT)] } });
        assert.equal(planSweep(declared, found).strays.length, 1);
        assert.deepEqual(planSweep(declared, found, { application: [PENDING_THUMBPRINT.toLowerCase()], servicePrincipal: [] }).operations, []);
    });

    it("does not keep a pending certificate issued before the revocation cutoff, nor a copy of it under another keyId", () => {
        const issued = (keyId: string, notBefore: string): LiveKeyCredential => ({ ...key(keyId, PENDING_THUMBPRINT), certificateNotBefore: notBefore });
        const found = live({
            application: { keyCredentials: [key("k-declared", DECLARED_THUMBPRINT), issued("k-pending", "2026-12-01T00:00:00Z"), issued("k-copy", "2026-12-01T00:00:00Z")] },
        });
        const pending = { application: [PENDING_THUMBPRINT], servicePrincipal: [] };
        const revoked = planSweep(declared, found, { ...pending, revokedBefore: "2026-12-15T08:00:00.600Z" });
        assert.deepEqual(
            revoked.strays.map((s) => [s.id, /revoked: issued before the cutoff$/.test(s.description)]),
            [
                ["k-copy", true],
                ["k-pending", true],
            ],
        );
        // Issued at the cutoff (truncated to the second, as the schedule starts it): kept.
        const after = live({ application: { keyCredentials: [key("k-declared", DECLARED_THUMBPRINT), issued("k-pending", "2026-12-15T08:00:00Z")] } });
        assert.deepEqual(planSweep(declared, after, { ...pending, revokedBefore: "2026-12-15T08:00:00.600Z" }).operations, []);
    });

    it("thumbprint of a key: the SHA-1 of the certificate bytes Graph returns, in uppercase hex", () => {
        assert.equal(thumbprintOfKey(Buffer.from("abc").toString("base64")), "A9993E364706816ABA3E25717850C26C9CD0D89D");
    });

    it("refuses a declared or pending thumbprint that is not 40 hex digits, naming where it is", () => {
        const bad = { ...declared, application: { ...declared.application, keyCredentialThumbprints: ["not-a-thumbprint"] } };
        assert.throws(
            () => planSweep(bad, live(), { application: [], servicePrincipal: ["ABC"] }),
            (err: unknown) =>
                err instanceof ValidationError && err.issues.map((i) => i.path).join(" ") === "declared.application.keyCredentialThumbprints[0] pending.servicePrincipal[0]",
        );
    });

    it("keeps the declared federated credential whatever the audiences' order, and removes one trusting another subject or audience", () => {
        const trust = declared.federatedCredential!;
        const plan = planSweep(
            declared,
            live({
                application: {
                    keyCredentials: [key("k", DECLARED_THUMBPRINT)],
                    federatedIdentityCredentials: [
                        { id: "f-declared", name: "vendor", ...trust, audiences: [...trust.audiences].reverse() },
                        { id: "f-subject", name: "extra", ...trust, subject: "repo:attacker/app:ref:refs/heads/main" },
                        { id: "f-audience", name: "extra2", ...trust, audiences: ["api://AzureADTokenExchange"] },
                    ],
                },
            }),
        );
        assert.deepEqual(
            plan.strays.map((s) => s.id),
            ["f-audience", "f-subject"],
        );
    });

    it("orders the removals: credentials, then permissions, then owners last", () => {
        const plan = planSweep(
            declared,
            live({
                application: {
                    owners: [
                        { id: DEPLOYER, type: null },
                        { id: "99999999-0000-4000-8000-000000000001", type: "#microsoft.graph.user" },
                    ],
                    passwordCredentials: [{ keyId: "p1", displayName: "x", endDateTime: null }],
                },
                servicePrincipal: {
                    keyCredentials: [key("s1", ATTACKER_THUMBPRINT)],
                    appRoleAssignments: [
                        {
                            id: "ara",
                            resourceId: "eeeeeeee-0000-4000-8000-000000000001",
                            appRoleId: "ffffffff-0000-4000-8000-000000000002",
                            resourceDisplayName: "Microsoft Graph",
                        },
                    ],
                    oauth2PermissionGrants: [{ id: "grant", resourceId: "eeeeeeee-0000-4000-8000-000000000001", consentType: "AllPrincipals", scope: "Mail.Read" }],
                },
            }),
        );
        assert.deepEqual(
            plan.operations.map((op) => `${op.action} ${op.object}`),
            [
                "replaceKeyCredentials servicePrincipal",
                "removePassword application",
                "deleteAppRoleAssignment servicePrincipal",
                "deleteOAuth2PermissionGrant servicePrincipal",
                "removeOwner application",
            ],
        );
        assert.equal(plan.strays.at(-1)?.description, "owner 99999999-0000-4000-8000-000000000001 (user)");
    });

    it("quotes names an attacker chose, so a line break cannot forge a log line", () => {
        const plan = planSweep(declared, live({ application: { passwordCredentials: [{ keyId: "p1", displayName: "ok\nSWEEP DONE: nothing found", endDateTime: null }] } }));
        assert.equal(plan.strays[0].description, 'password "ok\\nSWEEP DONE: nothing found" (keyId p1)');
    });

    it("plans nothing for an object that is gone, and refuses live state of another object", () => {
        assert.deepEqual(planSweep(declared, live({ servicePrincipal: null })).operations, []);
        assert.throws(() => planSweep({ ...declared, application: { ...declared.application, objectId: SP } }, live()), /is not the declared/);
    });
});
