// Child process of tests/plan/startup.test.ts: declares one Certificate under mocks, with the
// provider serialization skipped when SKIP=1, and prints the `__provider` input it registered.
import * as pulumi from "@pulumi/pulumi";
import { Certificate } from "../../../components/certificate";
import { skipProviderSerialization } from "../../../cli/plan/providerSerialization";

async function main(): Promise<void> {
    const skipped = process.env.SKIP === "1" ? skipProviderSerialization() : false;
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                console.log(JSON.stringify({ skipped, provider: args.inputs.__provider }));
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: () => ({}),
        },
        "child",
        "test",
        false,
    );
    new Certificate("one", { commonName: "one", notBefore: "2026-12-01T00:00:00Z", notAfter: "2026-12-31T00:00:00Z", identity: "window:1" });
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exitCode = 1;
});
