import type * as pulumi from "@pulumi/pulumi";
import { loadProviderRuntime } from "../providerRuntime";
import type * as SweepRuntime from "./providerRuntime";
import { SWEEP_RUNTIME_SPECIFIER, SweepResourceInputs, SweepResourceOutputs } from "./providerModel";

/**
 * The Sweep's dynamic provider. Pulumi serializes these methods into the resource's `__provider`
 * input and runs them in its dynamic provider host, a separate Node.js process started in the
 * consumer's project directory, without TypeScript. The sweep needs the Azure SDK, which the
 * serialized text cannot carry, so the methods stay small: `check`, `create` and `update` load
 * this package's compiled runtime (providerRuntime.ts) by name from the host's directory, where
 * the package is installed (../providerRuntime.ts: how, and what the methods may reference).
 * `diff`, `read` and `delete` require nothing: they may run from an older state's provider text,
 * on another machine.
 *
 * Why check reads the tenant: Pulumi runs check and diff on every preview and update, even when
 * the program's inputs are unchanged. Check puts what it finds into the inputs (`strays`), so a
 * preview lists each stray as a property change and removes nothing, diff answers "no change"
 * when nothing is stray (an unchanged redeploy costs no operation), and the update removes what
 * it finds then. tests/sweep/provider.test.ts runs the serialized provider against a stand-in Graph.
 */
export const sweepProvider: pulumi.dynamic.ResourceProvider<SweepResourceInputs, SweepResourceOutputs> = {
    async check(olds, news) {
        return { inputs: await sweepRuntime().checkSweep(olds, news) };
    },

    async diff(_id, olds, news) {
        const found = news.strays;
        if (!Array.isArray(found)) {
            // Unknown: not readable now (a first deploy's preview, or no permission): the update tells.
            return { changes: true };
        }
        if (news.mode === "enforce") {
            return { changes: found.length > 0 };
        }
        // report: the outputs list the strays, so they change when the strays do.
        return { changes: JSON.stringify(found) !== JSON.stringify(olds.strays ?? []) || olds.mode !== news.mode };
    },

    async create(inputs) {
        const outs = await sweepRuntime().runSweep(inputs);
        return { id: `sweep-${inputs.declared.application.objectId}`, outs };
    },

    async update(_id, _olds, news) {
        return { outs: await sweepRuntime().runSweep(news) };
    },

    async read(id, props) {
        return { id, props };
    },

    async delete() {
        // Nothing to undo: a sweep removes, it creates nothing.
    },
};

// Held in this module, so that the methods are serialized with these values rather than with a
// reference to another module of the package (../providerRuntime.ts).
const RUNTIME_SPECIFIER = SWEEP_RUNTIME_SPECIFIER;
const loadRuntime = loadProviderRuntime;

function sweepRuntime(): typeof SweepRuntime {
    return loadRuntime<typeof SweepRuntime>(RUNTIME_SPECIFIER, "The sweep", ', or set the connection\'s sweep to "off"');
}
