// The redeploy simulator: see README.md.
export * from "./simulator";
export * from "./fakes";
export type { PropertyMap } from "./values";
