// Microsoft Graph access for the sweep: endpoints per cloud, the deploying identity's credential,
// the Azure SDK pipeline with a process-wide concurrency limit, and the calls a sweep makes.
export * from "./endpoints";
export * from "./credential";
export * from "./limiter";
export * from "./operations";
export * from "./errors";
export * from "./pipeline";
export * from "./resources";
export * from "./client";
