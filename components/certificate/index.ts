// The certificate engine (docs/architecture.md#certificates-on-nodes-crypto) and its dynamic resource.
// Only re-exports.
export * from "./issue";
export * from "./resource";
