import * as pulumi from "@pulumi/pulumi";

// The start-up baseline (bench/startup.ts): a bare Pulumi program with one resource, under the
// mock engine, in a process of its own. It exits once the registration has been answered.

class Thing extends pulumi.CustomResource {
    constructor(name: string) {
        super("bench:index:Thing", name, { value: 1 });
    }
}

async function main(): Promise<void> {
    await pulumi.runtime.setMocks({ newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) }, "startup-bare", "bench", false);
    new Thing("one");
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exitCode = 1;
});
