export * from "./vendorConnection";
export { planConnection, defaultSecretName, ConnectionPlan, ConnectionSettings, CONNECTION_SETTING_KEYS } from "./validation";
export * from "./inventory";
export { deployInstant, setDeployInstant, pinnedInstant, DEPLOY_INSTANT_VARIABLE } from "./clock";
export * from "./expected";
export { SWEEP_MODES, SweepMode, DEFAULT_SWEEP_MODE } from "./sweepMode";
