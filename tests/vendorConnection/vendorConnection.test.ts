import * as assert from "node:assert/strict";
import { X509Certificate, createHash } from "node:crypto";
import * as forge from "node-forge";
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks, RecordedResource } from "../support/mocks";
import { settle } from "../support/settle";
import { valueOf } from "../support/outputs";
import { allStrings, isSecretValue, plainMatches, unwrapSecrets } from "../support/secrets";
import { FAKE_DEPLOYER_OBJECT_ID, FAKE_SUBSCRIPTION_ID, fakeGuid } from "../support/fakes";

const T = {
    connection: "vendor-connections:index:VendorConnection",
    application: "azuread:index/application:Application",
    servicePrincipal: "azuread:index/servicePrincipal:ServicePrincipal",
    certificate: "pulumi-nodejs:dynamic/vendor-connections:Certificate",
    credential: "azuread:index/applicationCertificate:ApplicationCertificate",
    secret: "azure-native:keyvault:Secret",
    consent: "azuread:index/appRoleAssignment:AppRoleAssignment",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    sweep: "pulumi-nodejs:dynamic/vendor-connections:Sweep",
};

const GRAPH = "00000003-0000-0000-c000-000000000000";
const EXCHANGE = "00000002-0000-0ff1-ce00-000000000000";
// App role ids from Microsoft's permission references (the catalog is tested against them too).
const USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214";
const FULL_ACCESS_AS_APP = "dc890d15-9560-4a4c-9b7f-a736ec74ec40";

const VAULT_ID = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-vendors/providers/Microsoft.KeyVault/vaults/kv-vendors`;
const vault = { vaultId: VAULT_ID, vaultName: "kv-vendors", resourceGroupName: "rg-vendors" };

// 2026-12-05 lies in the 20-day rotation window (P30D lifetime, P10D renewBefore) that opened
// 2026-11-23, after the previous certificate's overlap ended on 2026-12-03: one certificate.
const AFTER_OVERLAP = new Date("2026-12-05T09:00:00Z");
// 2026-11-28 lies inside that overlap: the window-2026-11-03 certificate is still registered.
const IN_OVERLAP = new Date("2026-11-28T12:00:00Z");

function pem(resource: RecordedResource): string {
    return unwrapSecrets(resource.inputs.value) as string;
}

function names(resources: readonly RecordedResource[]): string[] {
    return resources.map((r) => `${r.type} ${r.name}`).sort();
}

describe("VendorConnection", function () {
    const mocks = new RecordingMocks({ dynamic: "real" });
    let components: typeof import("../../components");

    before(async () => {
        await pulumi.runtime.setMocks(mocks, "vendor-connections", "test");
        components = await import("../../components");
    });
    beforeEach(() => mocks.reset());

    async function declare(name: string, args: Partial<import("../../components").VendorConnectionArgs>, opts?: pulumi.ComponentResourceOptions) {
        const connection = new components.VendorConnection(
            name,
            { permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }], vault, now: AFTER_OVERLAP.toISOString(), ...args },
            opts,
        );
        await settle();
        return connection;
    }

    it("minimal connection: app, service principal, one certificate and key credential, the vault secret, consent", async () => {
        const connection = await declare("acme", {});

        assert.deepEqual(
            names(mocks.resources),
            [
                `${T.credential} acme-credential-b`,
                `${T.application} acme-app`,
                `${T.consent} acme-consent-MicrosoftGraph-User.Read.All`,
                `${T.servicePrincipal} acme-sp`,
                `${T.secret} acme-secret`,
                `${T.connection} acme`,
                `${T.certificate} acme-cert-b`,
                `${T.sweep} acme-sweep`,
            ].sort(),
        );

        assert.deepEqual(mocks.one(T.application, "acme-app").inputs, {
            displayName: "acme",
            signInAudience: "AzureADMyOrg",
            // The deploying identity keeps ownership, so that Application.ReadWrite.OwnedBy suffices later.
            owners: [FAKE_DEPLOYER_OBJECT_ID],
            requiredResourceAccesses: [{ resourceAppId: GRAPH, resourceAccesses: [{ id: USER_READ_ALL, type: "Role" }] }],
        });
        const app = { objectId: fakeGuid("app:acme-app"), clientId: fakeGuid("client:acme-app") };
        assert.deepEqual(mocks.one(T.servicePrincipal, "acme-sp").inputs, {
            clientId: app.clientId,
            accountEnabled: true,
            appRoleAssignmentRequired: true,
            owners: [FAKE_DEPLOYER_OBJECT_ID],
        });

        const cert = mocks.one(T.certificate, "acme-cert-b").inputs;
        assert.deepEqual(
            { ...cert, __provider: typeof cert.__provider },
            {
                __provider: "string",
                commonName: "acme",
                keySize: 2048,
                notBefore: "2026-11-23T00:00:00Z",
                notAfter: "2026-12-23T00:00:00Z",
                identity: "window:2026-11-23T00:00:00Z",
            },
        );

        const credential = mocks.one(T.credential, "acme-credential-b").inputs;
        assert.equal(credential.applicationId, `/applications/${app.objectId}`);
        assert.equal(credential.type, "AsymmetricX509Cert");
        assert.equal(credential.encoding, "pem");
        assert.equal(credential.startDate, "2026-11-23T00:00:00Z");
        assert.equal(credential.endDate, "2026-12-23T00:00:00Z");
        const x509 = new X509Certificate(unwrapSecrets(credential.value) as string);
        assert.equal(new Date(x509.validTo).toISOString(), "2026-12-23T00:00:00.000Z");

        const secret = mocks.one(T.secret, "acme-secret").inputs;
        assert.equal(secret.resourceGroupName, "rg-vendors");
        assert.equal(secret.vaultName, "kv-vendors");
        assert.equal(secret.secretName, "acme-certificate");
        const properties = unwrapSecrets(secret.properties) as any;
        assert.equal(properties.contentType, "application/x-pkcs12");
        assert.deepEqual(properties.attributes, {
            enabled: true,
            notBefore: Date.parse("2026-11-23T00:00:00Z") / 1000,
            expires: Date.parse("2026-12-23T00:00:00Z") / 1000,
        });
        assert.deepEqual(secret.tags, {
            connection: "acme",
            applicationClientId: app.clientId,
            thumbprintSha1: x509.fingerprint.replace(/:/g, ""),
            notAfter: "2026-12-23T00:00:00Z",
        });

        assert.deepEqual(mocks.one(T.consent, "acme-consent-MicrosoftGraph-User.Read.All").inputs, {
            appRoleId: USER_READ_ALL,
            principalObjectId: fakeGuid("sp:acme-sp"),
            resourceObjectId: fakeGuid(`sp:${GRAPH}`),
        });
        assert.deepEqual(
            mocks.invokes.map((i) => [i.token, i.inputs.clientId]),
            [
                ["azuread:index/getClientConfig:getClientConfig", undefined],
                ["azuread:index/getServicePrincipal:getServicePrincipal", GRAPH],
            ],
        );

        // Every child is parented to the component.
        assert.match(await valueOf(connection.urn), /::vendor-connections:index:VendorConnection::acme$/);

        assert.equal(await valueOf(connection.applicationClientId), app.clientId);
        assert.equal(await valueOf(connection.applicationObjectId), app.objectId);
        assert.equal(await valueOf(connection.servicePrincipalObjectId), fakeGuid("sp:acme-sp"));
        assert.equal(await valueOf(connection.secretName), "acme-certificate");
        assert.equal(await valueOf(connection.secretUri), "https://kv-vendors.vault.azure.net/secrets/acme-certificate");
        assert.equal(await valueOf(connection.activeThumbprint), x509.fingerprint.replace(/:/g, ""));
        assert.equal(await valueOf(connection.nextRotation), "2026-12-13T00:00:00Z");
        assert.deepEqual(await valueOf(connection.broadPermissions), []);
        assert.deepEqual(await valueOf(connection.certificates), [
            {
                slot: "b",
                identity: "window:2026-11-23T00:00:00Z",
                thumbprint: x509.fingerprint.replace(/:/g, ""),
                notBefore: "2026-11-23T00:00:00Z",
                notAfter: "2026-12-23T00:00:00Z",
                active: true,
            },
        ]);
    });

    it("keeps the vault secret and the key credential on the same certificate, never registered past its notAfter", async () => {
        await declare("acme", { now: IN_OVERLAP.toISOString() });
        const credentials = mocks.ofType(T.credential);
        assert.deepEqual(credentials.map((c) => c.name).sort(), ["acme-credential-a", "acme-credential-b"]);
        for (const credential of credentials) {
            const x509 = new X509Certificate(pem(credential));
            assert.ok(Date.parse(credential.inputs.endDate) <= Date.parse(x509.validTo), `${credential.name} ends after its certificate`);
            assert.equal(Date.parse(credential.inputs.startDate), Date.parse(x509.validFrom));
        }
        const properties = unwrapSecrets(mocks.one(T.secret, "acme-secret").inputs.properties) as any;
        const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.decode64(properties.value)), "");
        const bags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
        assert.equal(bags.length, 1);
        const vaultThumbprint = createHash("sha1")
            .update(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(bags[0].cert!)).getBytes(), "binary"))
            .digest("hex")
            .toUpperCase();
        const active = new X509Certificate(pem(mocks.one(T.credential, "acme-credential-b")));
        assert.equal(vaultThumbprint, active.fingerprint.replace(/:/g, ""), "the vault holds the active (newest) certificate");
        assert.notEqual(vaultThumbprint, new X509Certificate(pem(mocks.one(T.credential, "acme-credential-a"))).fingerprint.replace(/:/g, ""));
    });

    it("keeps private key material secret: in every input that carries it, and in no plain output", async () => {
        const connection = await declare("acme", { now: IN_OVERLAP.toISOString(), readers: ["44444444-4444-4444-a444-444444444444"] });
        const isKeyMaterial = (text: string) => text.includes("PRIVATE KEY") || text.startsWith("MII");
        for (const resource of mocks.resources) {
            assert.deepEqual(plainMatches(resource.inputs, isKeyMaterial), [], `${resource.type} ${resource.name} carries key material in plain inputs`);
        }
        const secret = mocks.one(T.secret, "acme-secret").inputs.properties;
        assert.ok(isSecretValue(secret) || isSecretValue(secret.value), "the PKCS#12 is a Pulumi secret");

        const plainOutputs = await valueOf(
            pulumi.all([connection.certificates, connection.activeThumbprint, connection.secretUri, connection.nextRotation, connection.broadPermissions]),
        );
        assert.equal(allStrings(plainOutputs).filter(isKeyMaterial).length, 0);
        for (const output of [connection.certificates, connection.activeThumbprint, connection.secretUri] as pulumi.Output<unknown>[]) {
            assert.equal(await pulumi.isSecret(output), false, "inventory outputs stay readable");
        }
    });

    it("the 2021 scenario: Exchange full_access_as_app and Graph roles, with the broad ones flagged", async () => {
        const connection = await declare("archiver", {
            displayName: "Mail Archiver",
            permissions: [
                { api: "Office365ExchangeOnline", roles: ["full_access_as_app"] },
                { api: "MicrosoftGraph", roles: ["User.Read.All"] },
            ],
        });
        assert.deepEqual(
            mocks
                .ofType(T.consent)
                .map((c) => [c.name, c.inputs.appRoleId, c.inputs.resourceObjectId])
                .sort(),
            [
                ["archiver-consent-MicrosoftGraph-User.Read.All", USER_READ_ALL, fakeGuid(`sp:${GRAPH}`)],
                ["archiver-consent-Office365ExchangeOnline-full_access_as_app", FULL_ACCESS_AS_APP, fakeGuid(`sp:${EXCHANGE}`)],
            ],
        );
        assert.deepEqual(await valueOf(connection.broadPermissions), ["Office365ExchangeOnline/full_access_as_app"]);
        const app = mocks.one(T.application, "archiver-app").inputs;
        assert.equal(app.displayName, "Mail Archiver");
        assert.deepEqual(app.requiredResourceAccesses, [
            { resourceAppId: EXCHANGE, resourceAccesses: [{ id: FULL_ACCESS_AS_APP, type: "Role" }] },
            { resourceAppId: GRAPH, resourceAccesses: [{ id: USER_READ_ALL, type: "Role" }] },
        ]);
        // The subject is the connection's name, which a rename of the display name leaves alone.
        assert.equal(mocks.one(T.certificate, "archiver-cert-b").inputs.commonName, "archiver");
        const subject = new X509Certificate(pem(mocks.one(T.credential, "archiver-credential-b"))).subject;
        assert.equal(subject, "CN=archiver");
    });

    it("passes owners and notes to the application and the service principal", async () => {
        const owners = ["77777777-7777-4777-a777-777777777777"];
        await declare("acme", { owners, notes: "Contract 2026-114, vendor security contact: soc@acme.example" });
        for (const resource of [mocks.one(T.application, "acme-app"), mocks.one(T.servicePrincipal, "acme-sp")]) {
            assert.deepEqual(resource.inputs.owners, [...owners, FAKE_DEPLOYER_OBJECT_ID].sort(), resource.name);
            assert.equal(resource.inputs.notes, "Contract 2026-114, vendor security contact: soc@acme.example", resource.name);
        }
    });

    it("issues certificates with the connection's key size", async () => {
        await declare("acme", { certificate: { keySize: 3072 } });
        assert.equal(mocks.one(T.certificate, "acme-cert-b").inputs.keySize, 3072);
        const x509 = new X509Certificate(pem(mocks.one(T.credential, "acme-credential-b")));
        assert.equal(x509.publicKey.asymmetricKeyDetails?.modulusLength, 3072);
    });

    it("rejects a certificate connection whose name is longer than a certificate's common name allows", () => {
        const name = "a".repeat(65);
        assert.throws(
            () =>
                new components.VendorConnection(name, {
                    permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }],
                    vault,
                    now: AFTER_OVERLAP.toISOString(),
                    secretName: "acme-certificate",
                }),
            (err: Error) => {
                assert.match(err.message, /\nname: "a{65}" is 65 characters long; a certificate connection's name is its certificates' common name, so use at most 64\./);
                return true;
            },
        );
    });

    it("grants each reader Key Vault Secrets User on this connection's secret alone", async () => {
        const readers = ["44444444-4444-4444-a444-444444444444", "55555555-5555-4555-a555-555555555555"];
        await declare("acme", { readers });
        assert.deepEqual(
            mocks.ofType(T.roleAssignment).map((r) => [r.name, r.inputs]),
            readers.map((reader) => [
                `acme-reader-${reader}`,
                {
                    principalId: reader,
                    principalType: "ServicePrincipal",
                    roleDefinitionId: `/subscriptions/${FAKE_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
                    scope: `${VAULT_ID}/secrets/acme-certificate`,
                },
            ]),
        );
    });

    it("declares no consent assignments when grantConsent is false, but still asks for the permissions, and its sweep keeps an admin's grant of them", async () => {
        await declare("acme", { grantConsent: false });
        assert.deepEqual(mocks.ofType(T.consent), []);
        // Who is deploying (an owner of what it creates), and the API whose roles an admin may
        // grant in the portal: the sweep must tell that grant from a stray assignment.
        assert.deepEqual(
            mocks.invokes.map((i) => i.token),
            ["azuread:index/getClientConfig:getClientConfig", "azuread:index/getServicePrincipal:getServicePrincipal"],
        );
        assert.deepEqual((mocks.one(T.sweep, "acme-sweep").inputs.declared as { consent: unknown }).consent, [{ resourceId: fakeGuid(`sp:${GRAPH}`), appRoleId: USER_READ_ALL }]);
        // An admin's "Grant admin consent" in the portal grants what the application asks for.
        assert.deepEqual(mocks.one(T.application, "acme-app").inputs.requiredResourceAccesses, [{ resourceAppId: GRAPH, resourceAccesses: [{ id: USER_READ_ALL, type: "Role" }] }]);
    });

    it("suspended: no certificate, no key credential, sign-in disabled, secret disabled, no readers", async () => {
        const connection = await declare("acme", { suspended: true, readers: ["44444444-4444-4444-a444-444444444444"] });
        assert.deepEqual(mocks.ofType(T.certificate), []);
        assert.deepEqual(mocks.ofType(T.credential), []);
        assert.deepEqual(mocks.ofType(T.roleAssignment), []);
        assert.equal(mocks.one(T.servicePrincipal, "acme-sp").inputs.accountEnabled, false);
        const secret = mocks.one(T.secret, "acme-secret").inputs;
        const properties = unwrapSecrets(secret.properties) as any;
        assert.deepEqual(properties.attributes, { enabled: false });
        assert.equal(properties.contentType, "text/plain");
        assert.equal(secret.tags.state, "suspended");
        assert.equal(await valueOf(connection.nextRotation), undefined);
        assert.equal(await valueOf(connection.activeThumbprint), undefined);
        assert.deepEqual(await valueOf(connection.certificates), []);
        // The app registration and its consent stay, so resuming needs no new admin consent.
        assert.equal(mocks.ofType(T.consent).length, 1);
    });

    it("revoked: certificates issued before the cutoff are replaced by one issued after it, with no overlap", async () => {
        const cutoff = "2026-11-28T10:00:00Z";
        const connection = await declare("acme", { now: IN_OVERLAP.toISOString(), revokeIssuedBefore: [cutoff] });
        const certs = mocks.ofType(T.certificate);
        assert.deepEqual(
            certs.map((c) => [c.name, c.inputs.identity, c.inputs.notBefore]),
            [["acme-cert-b", `window:2026-11-23T00:00:00Z;revoked:${cutoff}`, cutoff]],
        );
        assert.deepEqual(
            mocks.ofType(T.credential).map((c) => c.name),
            ["acme-credential-b"],
        );
        const x509 = new X509Certificate(pem(mocks.one(T.credential, "acme-credential-b")));
        assert.ok(Date.parse(x509.validFrom) >= Date.parse(cutoff));
        const inventory = await valueOf(components.inventoryOf(connection));
        assert.equal(inventory.revokeIssuedBefore, cutoff);
    });

    it("reaches another tenant through the caller's providers: every child and every invoke uses them", async () => {
        const azuread = await import("@pulumi/azuread");
        const azureNative = await import("@pulumi/azure-native");
        const entra = new azuread.Provider("customer-tenant", { tenantId: "66666666-6666-4666-a666-666666666666" });
        const arm = new azureNative.Provider("customer-subscription", {});
        mocks.reset();
        await declare("acme", { readers: ["44444444-4444-4444-a444-444444444444"] }, { providers: [entra, arm] });
        const children = mocks.resources.filter((r) => r.custom && !r.type.startsWith("pulumi-nodejs:") && !r.type.startsWith("pulumi:providers:"));
        assert.equal(children.length, 6);
        for (const child of children) {
            const expected = child.type.startsWith("azuread:") ? "pulumi:providers:azuread::customer-tenant::" : "pulumi:providers:azure-native::customer-subscription::";
            assert.ok((child.provider ?? "").includes(expected), `${child.type} ${child.name} uses ${child.provider}`);
        }
        for (const invoke of mocks.invokes) {
            assert.ok((invoke.provider ?? "").includes("pulumi:providers:azuread::customer-tenant::"), invoke.token);
        }
    });

    it("rejects bad arguments before declaring anything, naming each argument and what is allowed", async () => {
        assert.throws(
            () =>
                new components.VendorConnection("bad_name", {
                    permissions: [
                        { api: "MicrosoftGraph", roles: ["User.Read.All"] },
                        { api: "MicrosoftGraph", roles: ["Mail.Read"] },
                        { api: "NotAnApi", roles: ["X"] },
                    ],
                    certificate: { lifetime: "P30D", renewBefore: "P20D", keySize: 1024 },
                    readers: ["not-a-guid"],
                    owners: ["77777777-7777-4777-a777-777777777777", "alice@contoso.example"],
                    deployerObjectId: "ci-pipeline",
                    revokeIssuedBefore: ["2099-01-01T00:00:00Z"],
                    vault: { vaultName: "kv" } as any,
                    now: AFTER_OVERLAP.toISOString(),
                }),
            (err: Error) => {
                for (const expected of [
                    /vault: must be a VendorVault or an object with vaultId, vaultName and resourceGroupName/,
                    /name: "bad_name-certificate" is not a valid Key Vault secret name; use 1-127 letters, digits and hyphens/,
                    /permissions\[1\]/,
                    /permissions\[2\]\.api/,
                    /certificate\.renewBefore/,
                    /certificate\.keySize: 1024/,
                    /readers\[0\]: "not-a-guid" is not an Entra object id/,
                    /\nowners\[1\]: "alice@contoso\.example" is not an Entra object id/,
                    /\ndeployerObjectId: "ci-pipeline" is not an Entra object id/,
                    /revokeIssuedBefore: .*future/,
                ]) {
                    assert.match(err.message, expected);
                }
                return true;
            },
        );
        await settle();
        assert.deepEqual(names(mocks.resources), [`${T.connection} bad_name`]);
    });

    it("reports a future revocation cutoff once, even when the rest of the settings are valid", () => {
        assert.throws(
            () =>
                new components.VendorConnection("acme", {
                    permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }],
                    vault,
                    now: AFTER_OVERLAP.toISOString(),
                    revokeIssuedBefore: ["2099-01-01T00:00:00Z"],
                }),
            (err: Error) => err.message.split("\n").filter((line) => line.startsWith("revokeIssuedBefore:")).length === 1,
        );
    });
});

describe("VendorConnection in preview", function () {
    it("declares the same resources in preview (unknown outputs) as in an update: nothing is declared inside apply", async () => {
        const update = await declareOnce(false);
        const preview = await declareOnce(true);
        assert.equal(update.names.length, 12);
        assert.deepEqual(preview.names, update.names);
    });

    it("shows each key credential's and the vault secret's validity in preview, before any certificate exists", async () => {
        const { credentialDates, secretAttributes } = await declareOnce(true);
        assert.deepEqual(credentialDates, [
            ["acme-credential-a", "2026-11-03T00:00:00Z", "2026-12-03T00:00:00Z"],
            ["acme-credential-b", "2026-11-23T00:00:00Z", "2026-12-23T00:00:00Z"],
        ]);
        assert.deepEqual(secretAttributes, { enabled: true, notBefore: Date.parse("2026-11-23T00:00:00Z") / 1000, expires: Date.parse("2026-12-23T00:00:00Z") / 1000 });
    });

    /** Declares one connection under fresh mocks, as a preview (unknown outputs) or an update. */
    async function declareOnce(preview: boolean) {
        const mocks = new RecordingMocks({ dynamic: "none", previewUnknowns: preview });
        await pulumi.runtime.setMocks(mocks, "vendor-connections", "test", preview);
        const { VendorConnection } = await import("../../components");
        new VendorConnection("acme", {
            permissions: [
                { api: "MicrosoftGraph", roles: ["User.Read.All"] },
                { api: "Office365ExchangeOnline", roles: ["full_access_as_app"] },
            ],
            readers: ["44444444-4444-4444-a444-444444444444"],
            vault,
            now: IN_OVERLAP.toISOString(),
        });
        await settle();
        return {
            names: names(mocks.resources),
            credentialDates: mocks
                .ofType(T.credential)
                .map((c) => [c.name, c.inputs.startDate, c.inputs.endDate])
                .sort(),
            secretAttributes: (unwrapSecrets(mocks.one(T.secret, "acme-secret").inputs.properties) as any).attributes,
        };
    }
});
