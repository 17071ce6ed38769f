import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "../../cli/config";
import type { Stray } from "../../components/sweep/model";
import { SWEEP_TYPE } from "../simulator";
import { RecordingMocks } from "../support/mocks";
import { valueOf } from "../support/outputs";
import { settle } from "../support/settle";
import { GRAPH_USER_READ, NOW, T } from "./support";

// A connection's sweep as the component declares it (the provider itself: tests/sweep/provider.test.ts):
// the modes, what `report` shows, and the setting validated like every other. Federated
// connections keep these tests free of key generation.

const STRAY: Stray = {
    object: "application",
    objectId: "10000000-0000-4000-8000-000000000001",
    kind: "passwordCredential",
    id: "e0000000-0000-4000-8000-000000000001",
    description: 'password "sync" (keyId e0000000-0000-4000-8000-000000000001)',
    displayName: "sync",
    created: "2026-12-01T02:00:00Z",
};
const credential = { type: "federated" as const, issuer: "https://login.fabrikam.example", subject: "agent", trustedFrom: "2026-11-02T09:00:00Z" };

describe("VendorConnection sweep", function () {
    // The tenant, as far as the Sweep's stand-in tells: one password nobody declared.
    const mocks = new RecordingMocks({ dynamic: "real", standIns: { [SWEEP_TYPE]: (inputs) => ({ ...inputs, strays: [STRAY], removed: [], missing: [] }) } });
    const warned: string[] = [];
    let components: typeof import("../../components");
    let saved: typeof pulumi.log.warn;

    before(async () => {
        await pulumi.runtime.setMocks(mocks, "vendor-connections", "test");
        components = await import("../../components");
        saved = pulumi.log.warn;
        (pulumi.log as { warn: unknown }).warn = async (message: string) => void warned.push(message);
    });
    after(() => {
        (pulumi.log as { warn: unknown }).warn = saved;
    });
    beforeEach(() => {
        mocks.reset();
        warned.length = 0;
    });

    async function declare(sweep?: "enforce" | "report" | "off") {
        const connection = new components.VendorConnection("backup", { permissions: GRAPH_USER_READ, credential, now: NOW.toISOString(), ...(sweep ? { sweep } : {}) });
        const strays = await valueOf(connection.strays);
        await settle();
        return { connection, strays };
    }

    it("enforces by default: one Sweep, declaring the connection's objects, owners, trust and consent, and no warning", async () => {
        const { connection } = await declare();
        const [sweep] = mocks.ofType(T.sweep);
        assert.equal(sweep.name, "backup-sweep");
        assert.equal(sweep.inputs.mode, "enforce");
        assert.deepEqual(sweep.inputs.declared, await valueOf(connection.declared));
        assert.deepEqual(sweep.inputs.declared.federatedCredential, { issuer: credential.issuer, subject: credential.subject, audiences: ["api://AzureADTokenExchange"] });
        assert.equal(sweep.inputs.declared.consent.length, 1);
        assert.deepEqual(warned, []);
    });

    it("report: lists the strays in the connection's strays output and warns with each", async () => {
        const { strays } = await declare("report");
        assert.deepEqual(strays, [STRAY]);
        assert.equal(warned.length, 1);
        assert.match(
            warned[0],
            /1 item on this connection's application and service principal is not declared by the stack \(sweep: report, so nothing is removed\): application passwordCredential e0000000/,
        );
    });

    it("off: declares no sweep", async () => {
        const { strays } = await declare("off");
        assert.deepEqual(mocks.ofType(T.sweep), []);
        assert.deepEqual(strays, []);
    });

    it("is validated like every other setting, as an argument and in stack config, with a stack-wide default", () => {
        assert.throws(
            () => new components.VendorConnection("backup", { permissions: GRAPH_USER_READ, credential, now: NOW.toISOString(), sweep: "sometimes" as "off" }),
            /sweep: "sometimes" is not allowed; use enforce, report, off \(default enforce\)\./,
        );
        const config = (sweep: unknown, own?: string) => ({
            vault: { resourceGroupName: "rg" },
            sweep,
            connections: { backup: { permissions: GRAPH_USER_READ, ...(own ? { sweep: own } : {}) }, scanner: { permissions: GRAPH_USER_READ } },
        });
        const parsed = parseStackConfig(config("report", "enforce"), NOW);
        assert.deepEqual(
            parsed.connections.map((c) => [c.name, c.settings.sweep]),
            [
                ["backup", "enforce"],
                ["scanner", "report"],
            ],
        );
        assert.throws(() => parseStackConfig(config("never"), NOW), /(^|: )sweep: "never" is not allowed; use enforce, report, off/m);
        assert.throws(() => parseStackConfig(config("report", "never"), NOW), /(^|: )connections\.backup\.sweep: "never" is not allowed/m);
    });
});
