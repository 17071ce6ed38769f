import * as pulumi from "@pulumi/pulumi";
import type { SweepResourceArgs } from "../../components/sweep/providerModel";
import { RecordingMocks } from "./mocks";
import { valueOf } from "./outputs";

/** The text a Sweep registers as its `__provider` input: what Pulumi's host runs. */
export async function serializedSweepProvider(args: SweepResourceArgs): Promise<string> {
    const mocks = new RecordingMocks({ dynamic: "none" });
    await pulumi.runtime.setMocks(mocks, "vendor-connections", "test");
    const { Sweep, SWEEP_RESOURCE_TYPE } = await import("../../components/sweep/resource");
    const sweep = new Sweep("sweep", args);
    await valueOf(sweep.urn);
    return mocks.one(SWEEP_RESOURCE_TYPE, "sweep").inputs.__provider as string;
}
