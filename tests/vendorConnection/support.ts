// Shared fixtures of the defense-in-depth tests (network policy, federation, rotation notices).
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, RecordingMocks } from "../support/mocks";
import { settle } from "../support/settle";
import { FAKE_SUBSCRIPTION_ID } from "../support/fakes";

export const T = {
    connection: "vendor-connections:index:VendorConnection",
    application: "azuread:index/application:Application",
    servicePrincipal: "azuread:index/servicePrincipal:ServicePrincipal",
    certificate: "pulumi-nodejs:dynamic/vendor-connections:Certificate",
    credential: "azuread:index/applicationCertificate:ApplicationCertificate",
    federated: "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential",
    secret: "azure-native:keyvault:Secret",
    consent: "azuread:index/appRoleAssignment:AppRoleAssignment",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    namedLocation: "azuread:index/namedLocation:NamedLocation",
    policy: "azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy",
    systemTopic: "azure-native:eventgrid:SystemTopic",
    subscription: "azure-native:eventgrid:SystemTopicEventSubscription",
    sweep: "pulumi-nodejs:dynamic/vendor-connections:Sweep",
} as const;

export const VAULT_ID = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-vendors/providers/Microsoft.KeyVault/vaults/kv-vendors`;
/** An existing vault given by reference, with the system topic it already has. */
export const vault = { vaultId: VAULT_ID, vaultName: "kv-vendors", resourceGroupName: "rg-vendors", systemTopicName: "kv-vendors-events" };

// 2026-12-05 lies in a P30D/P10D rotation window with one certificate (see vendorConnection.test.ts).
export const NOW = new Date("2026-12-05T09:00:00Z");
export const GRAPH_USER_READ = [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }];

export const FEDERATION_ISSUER = "https://login.fabrikam.example/tenants/contoso";

/** A valid federated credential setting (a vendor's workload identity), with `overrides` applied. */
export const federated = (overrides: Record<string, unknown> = {}) => ({
    type: "federated" as const,
    issuer: FEDERATION_ISSUER,
    subject: "backup-agent:contoso",
    trustedFrom: "2026-11-02T09:00:00Z",
    ...overrides,
});

export function names(resources: readonly RecordedResource[]): string[] {
    return resources.map((r) => `${r.type} ${r.name}`).sort();
}

type Components = typeof import("../../components");
type Args = Partial<import("../../components").VendorConnectionArgs>;

/** Mocks for one test file, and a `declare` that builds a connection and waits for its registrations. */
export function connectionHarness(dynamic: "real" | "none" = "none") {
    const mocks = new RecordingMocks({ dynamic });
    const harness = {
        mocks,
        components: undefined as unknown as Components,
        async declare(name: string, args: Args, opts?: pulumi.ComponentResourceOptions) {
            const connection = new harness.components.VendorConnection(name, { permissions: GRAPH_USER_READ, vault, now: NOW.toISOString(), ...args }, opts);
            await settle();
            return connection;
        },
        /** The error message a connection with these arguments is refused with. */
        refusal(name: string, args: Args): string {
            try {
                new harness.components.VendorConnection(name, { permissions: GRAPH_USER_READ, vault, now: NOW.toISOString(), ...args });
            } catch (err) {
                return (err as Error).message;
            }
            throw new Error(`VendorConnection ${name} was accepted`);
        },
    };
    before(async () => {
        await pulumi.runtime.setMocks(mocks, "vendor-connections", "test");
        harness.components = await import("../../components");
    });
    beforeEach(() => mocks.reset());
    return harness;
}
