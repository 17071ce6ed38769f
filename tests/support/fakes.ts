// Test-facing names for the offline engine's deterministic stand-ins.
export {
    fakeGuid,
    OFFLINE_TENANT_ID as FAKE_TENANT_ID,
    OFFLINE_SUBSCRIPTION_ID as FAKE_SUBSCRIPTION_ID,
    OFFLINE_DEPLOYER_OBJECT_ID as FAKE_DEPLOYER_OBJECT_ID,
} from "../../cli/plan/offlineEngine";

/** An existing vault, as a VendorConnection's `vault` argument names one. */
export const FAKE_VAULT = {
    vaultId: "/subscriptions/00000000-0000-4000-a000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
    vaultName: "kv",
    resourceGroupName: "rg",
} as const;
