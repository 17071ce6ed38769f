// The library's public surface. This file only re-exports; each concern lives in its own module.
export * from "./errors";
export * from "./certificate";
export * from "./rotation";
export * from "./permissions";
export * from "./vault";
export * from "./vendorConnection";
