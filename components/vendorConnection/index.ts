export * from "./vendorConnection";
export { planConnection, defaultSecretName, ConnectionPlan, ConnectionSettings } from "./validation";
export * from "./inventory";
export { deployInstant, setDeployInstant, pinnedInstant, DEPLOY_INSTANT_VARIABLE } from "./clock";
