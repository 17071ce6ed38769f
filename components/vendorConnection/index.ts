export * from "./vendorConnection";
export { planConnection, defaultSecretName, ConnectionPlan, ConnectionSettings } from "./validation";
export * from "./inventory";
export { deployInstant, setDeployInstant, pinnedInstant, DEPLOY_INSTANT_VARIABLE } from "./clock";
export * from "./expected";
export { SWEEP_MODES, DEFAULT_SWEEP_MODE } from "./sweepMode";
export { SweepMode } from "./choices";
