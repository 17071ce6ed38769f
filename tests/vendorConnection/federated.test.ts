import * as assert from "node:assert/strict";
import { valueOf } from "../support/outputs";
import { settle } from "../support/settle";
import { fakeGuid } from "../support/fakes";
import { issueLines } from "../support/validation";
import { FEDERATION_ISSUER, GRAPH_USER_READ, NOW, T, connectionHarness, federated, names } from "./support";

const ISSUER = FEDERATION_ISSUER;

describe("VendorConnection credential: federated (workload identity federation)", () => {
    const h = connectionHarness();

    it("declares a federated identity credential instead of certificates: no certificate, no key credential, no vault secret, no reader", async () => {
        const connection = await h.declare("backup", { credential: federated(), vault: undefined });

        assert.deepEqual(
            names(h.mocks.resources),
            [
                `${T.federated} backup-federated`,
                `${T.application} backup-app`,
                `${T.consent} backup-consent-MicrosoftGraph-User.Read.All`,
                `${T.servicePrincipal} backup-sp`,
                `${T.connection} backup`,
                `${T.sweep} backup-sweep`,
            ].sort(),
        );
        assert.deepEqual(h.mocks.one(T.federated, "backup-federated").inputs, {
            applicationId: `/applications/${fakeGuid("app:backup-app")}`,
            displayName: "backup-federated",
            description: "Trusted from 2026-11-02T09:00:00Z; a revocation cutoff after that removes it (vendor-connections).",
            issuer: ISSUER,
            subject: "backup-agent:contoso",
            audiences: ["api://AzureADTokenExchange"],
        });
        assert.equal(h.mocks.one(T.servicePrincipal, "backup-sp").inputs.accountEnabled, true);

        assert.equal(await valueOf(connection.secretName), undefined);
        assert.equal(await valueOf(connection.secretUri), undefined);
        assert.equal(await valueOf(connection.nextRotation), undefined);
        assert.deepEqual(await valueOf(connection.certificates), []);
        const inventory = await valueOf(h.components.inventoryOf(connection));
        assert.deepEqual(inventory.credential, {
            type: "federated",
            issuer: ISSUER,
            subject: "backup-agent:contoso",
            audiences: ["api://AzureADTokenExchange"],
            trustedFrom: "2026-11-02T09:00:00Z",
            state: "trusted",
        });
        assert.equal(inventory.secretUri, null);
    });

    it("takes the audience given (exactly one)", async () => {
        await h.declare("backup", { credential: federated({ audiences: ["api://fabrikam-backup"] }) });
        assert.deepEqual(h.mocks.one(T.federated, "backup-federated").inputs.audiences, ["api://fabrikam-backup"]);
    });

    it("suspended: the federated credential is removed and the service principal disabled", async () => {
        const connection = await h.declare("backup", { credential: federated(), suspended: true });
        assert.deepEqual(h.mocks.ofType(T.federated), []);
        assert.equal(h.mocks.one(T.servicePrincipal, "backup-sp").inputs.accountEnabled, false);
        assert.equal((await valueOf(h.components.inventoryOf(connection))).credential.type, "federated");
        assert.equal(((await valueOf(h.components.inventoryOf(connection))).credential as any).state, "suspended");
    });

    describe("revocation: a cutoff later than trustedFrom removes the credential until trustedFrom is at or after it", () => {
        const cutoff = "2026-12-01T08:00:00Z";

        it("removes it when the connection's cutoff is later than trustedFrom, and keeps the app and service principal", async () => {
            const connection = await h.declare("backup", { credential: federated(), revokeIssuedBefore: [cutoff] });
            assert.deepEqual(h.mocks.ofType(T.federated), []);
            assert.equal(h.mocks.one(T.servicePrincipal, "backup-sp").inputs.accountEnabled, true);
            const inventory = await valueOf(h.components.inventoryOf(connection));
            assert.equal((inventory.credential as any).state, "revoked");
            assert.equal(inventory.revokeIssuedBefore, cutoff);
        });

        it("applies the latest of the connection's and the stack-wide cutoff", async () => {
            await h.declare("backup", { credential: federated(), revokeIssuedBefore: [cutoff] });
            assert.deepEqual(h.mocks.ofType(T.federated), []);
            await h.declare("other", { credential: federated(), revokeIssuedBefore: ["2026-10-01T00:00:00Z"] });
            assert.deepEqual(
                h.mocks.ofType(T.federated).map((r) => r.name),
                ["other-federated"],
                "a cutoff before trustedFrom revokes nothing",
            );
        });

        it("comes back when the configuration trusts the (new) subject from the cutoff on or later", async () => {
            await h.declare("at-cutoff", { credential: federated({ trustedFrom: cutoff }), revokeIssuedBefore: [cutoff] });
            await h.declare("after", { credential: federated({ subject: "backup-agent:contoso:v2", trustedFrom: "2026-12-03T10:00:00Z" }), revokeIssuedBefore: [cutoff] });
            assert.deepEqual(
                h.mocks.ofType(T.federated).map((r) => [r.name, r.inputs.subject]),
                [
                    ["at-cutoff-federated", "backup-agent:contoso"],
                    ["after-federated", "backup-agent:contoso:v2"],
                ],
            );
        });
    });

    it("keeps the other defenses: allowedIpRanges pins a federated connection's sign-ins too", async () => {
        await h.declare("backup", { credential: federated(), allowedIpRanges: ["203.0.113.0/24"] });
        assert.equal(h.mocks.ofType(T.policy).length, 1);
        assert.equal(h.mocks.ofType(T.federated).length, 1);
    });

    it("refuses certificate-only settings on a federated connection, each error naming the setting and credential.type", async () => {
        const message = h.refusal("backup", {
            credential: federated(),
            certificate: { lifetime: "P7D" },
            readers: ["44444444-4444-4444-a444-444444444444"],
            secretName: "backup-cert",
            notify: { webhookUrl: "https://hooks.fabrikam.example/rotated" },
        });
        assert.deepEqual(message.split("\n").slice(1), [
            'certificate: is not allowed together with credential.type "federated": a federated connection has no certificate; remove the certificate policy or the federated credential.',
            'readers: is not allowed together with credential.type "federated": a federated connection keeps no certificate in the vault, so there is nothing to read.',
            'secretName: is not allowed together with credential.type "federated": a federated connection keeps no certificate in the vault.',
            'notify: is not allowed together with credential.type "federated": a federated connection has no certificate whose rotation could be announced.',
        ]);
        await settle();
        assert.deepEqual(names(h.mocks.resources), [`${T.connection} backup`]);
    });

    it("checks issuer, subject, audiences and trustedFrom, at config paths", () => {
        const plan = (credential: Record<string, unknown>) => () =>
            h.components.planConnection("backup", { permissions: GRAPH_USER_READ, credential: credential as any }, NOW, "connections.backup");
        assert.deepEqual(issueLines(plan({ type: "federated", issuer: "http://login.fabrikam.example/?key=s3cret", subject: " ", audiences: ["a", "b"] })), [
            'connections.backup.credential.issuer: "http://login.fabrikam.example/?<hidden>" is not an https URL; Entra fetches the issuer\'s signing keys from it, so it must be https. Use e.g. https://login.vendor.example/tenants/contoso.',
            'connections.backup.credential.subject: " " is not allowed; give a non-empty string: the `sub` claim of the vendor\'s tokens, e.g. system:serviceaccount:backup:agent.',
            "connections.backup.credential.audiences: lists 2 audiences; Entra accepts exactly one (default api://AzureADTokenExchange).",
            "connections.backup.credential.trustedFrom: is required; set it to when you configured (or last re-confirmed) this issuer and subject, e.g. 2026-11-28T09:00:00Z: a revocation cutoff after it removes the credential.",
        ]);
        assert.deepEqual(issueLines(plan({ ...federated(), trustedFrom: "2027-01-01T00:00:00Z" })), [
            "connections.backup.credential.trustedFrom: 2027-01-01T00:00:00Z is in the future; a trust can only start at or before the deploy time (2026-12-05T09:00:00Z).",
        ]);
        assert.deepEqual(issueLines(plan({ type: "oidc" })), [
            'connections.backup.credential.type: "oidc" is not allowed; use "certificate" (the default), "federated" or "vaultKey".',
        ]);
    });

    it("accepts issuer, subject and audience of 600 characters each (Graph's limit), and refuses 601 at each path", () => {
        const plan = (credential: Record<string, unknown>) =>
            h.components.planConnection("backup", { permissions: GRAPH_USER_READ, credential: credential as any }, NOW, "connections.backup");
        const claims = (length: number) => {
            const issuer = `${ISSUER}/`;
            return {
                issuer: issuer + "i".repeat(length - issuer.length),
                subject: "s".repeat(length),
                audiences: ["api://" + "a".repeat(length - "api://".length)],
            };
        };
        const atLimit = claims(600);
        assert.deepEqual([atLimit.issuer.length, atLimit.subject.length, atLimit.audiences[0].length], [600, 600, 600]);
        const credential = plan(federated(atLimit)).credential as any;
        assert.deepEqual([credential.issuer, credential.subject, credential.audiences], [atLimit.issuer, atLimit.subject, atLimit.audiences]);

        assert.deepEqual(
            issueLines(() => plan(federated(claims(601)))),
            [
                "connections.backup.credential.issuer: is 601 characters long; Entra accepts at most 600.",
                "connections.backup.credential.subject: is 601 characters long; Entra accepts at most 600.",
                "connections.backup.credential.audiences[0]: is 601 characters long; Entra accepts at most 600.",
            ],
        );
    });

    it("accepts an explicit certificate credential: the default, unchanged", async () => {
        await h.declare("acme", { credential: { type: "certificate" } });
        assert.deepEqual(h.mocks.ofType(T.federated), []);
        assert.equal(h.mocks.ofType(T.credential).length, 1);
        assert.equal(h.mocks.ofType(T.secret).length, 1);
    });

    it("still needs a vault for a certificate connection", () => {
        assert.match(h.refusal("acme", { vault: undefined }), /^vault: must be a VendorVault or an object with vaultId, vaultName and resourceGroupName\.$/m);
    });
});
