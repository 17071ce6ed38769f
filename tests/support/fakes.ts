// Test-facing names for the offline engine's deterministic stand-ins.
export {
    fakeGuid,
    OFFLINE_TENANT_ID as FAKE_TENANT_ID,
    OFFLINE_SUBSCRIPTION_ID as FAKE_SUBSCRIPTION_ID,
    OFFLINE_DEPLOYER_OBJECT_ID as FAKE_DEPLOYER_OBJECT_ID,
} from "../../components/plan/offlineEngine";
