// Waits until every resource registration and invoke the program started has been answered by
// the mocks. Pulumi's own `runInPulumiStack` does the same through this runtime function before
// it collects a stack's outputs; it is not part of the public API, hence this one wrapper.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const settings: { waitForRPCs(): Promise<void> } = require("@pulumi/pulumi/runtime/settings");

export async function settle(): Promise<void> {
    await settings.waitForRPCs();
}
