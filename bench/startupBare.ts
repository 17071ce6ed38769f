import * as pulumi from "@pulumi/pulumi";

// The start-up baseline (bench/startup.ts): a bare Pulumi program with one resource, under the
// mock engine, in a process of its own. It exits once the registration has been answered.

pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
    "startup-bare",
    "bench",
    false,
);

class Thing extends pulumi.CustomResource {
    constructor(name: string) {
        super("bench:index:Thing", name, { value: 1 });
    }
}

new Thing("one");
