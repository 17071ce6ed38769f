// The library's public surface. This file only re-exports; each concern lives in its own module.
export * from "./errors";
