// The certificate engine and its dynamic resource (issue 2, items 2 and 3). Only re-exports.
export * from "./issue";
export * from "./resource";
