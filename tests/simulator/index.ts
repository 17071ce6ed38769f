// The redeploy simulator (issue 3, item 2): see README.md.
export * from "./simulator";
export * from "./fakes";
export type { PropertyMap } from "./values";
