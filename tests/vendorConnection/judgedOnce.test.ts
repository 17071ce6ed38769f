import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { planConnection } from "../../components/vendorConnection/validation";
import { parseStackConfig } from "../../cli/config";
import { exampleProjectConfig } from "../support/exampleStack";
import { GRAPH_USER_READ, NOW, connectionHarness, vault } from "./support";

// A connection's settings are judged on one path: the stack's config reading judges them (so that
// problems name config paths, and the vault firewall can be planned from every connection), and
// the VendorConnection built from them gets that very plan back rather than judging again.

describe("a connection's settings are judged once", () => {
    const h = connectionHarness();

    it("gives back the plan already made for equal settings of the same connection at the same instant, whatever the path", () => {
        const settings = { permissions: GRAPH_USER_READ, readers: ["44444444-4444-4444-a444-444444444444"], revokeIssuedBefore: new Date("2026-12-01T00:00:00Z") };
        const plan = planConnection("acme", settings, NOW, "connections.acme");
        assert.equal(planConnection("acme", structuredClone(settings), new Date(NOW), ""), plan);
        assert.ok(Object.isFrozen(plan), "a plan shared between callers cannot be changed by one of them");
        // An Output among the owners is Entra's to check: it cannot change the plan.
        const withOutputOwner = { ...settings, owners: [pulumi.output("55555555-5555-4555-a555-555555555555")] };
        assert.equal(planConnection("acme", withOutputOwner, NOW), planConnection("acme", { ...settings, owners: [pulumi.output("other")] }, NOW));
    });

    it("judges anew whatever can change the plan: the connection, the instant, any setting", () => {
        const settings = { permissions: GRAPH_USER_READ };
        const plan = planConnection("acme", settings, NOW);
        assert.notEqual(planConnection("other", settings, NOW), plan);
        assert.notEqual(planConnection("acme", settings, new Date(NOW.getTime() + 1)), plan);
        assert.notEqual(planConnection("acme", { ...settings, suspended: true }, NOW), plan);
        assert.equal(planConnection("acme", { ...settings, suspended: true }, NOW).suspended, true);
        // A refused value is never kept: it is refused again, at the caller's path.
        assert.throws(() => planConnection("acme", { ...settings, secretName: "no_underscores" }, NOW, "connections.acme"), /connections\.acme\.secretName/);
        assert.throws(() => planConnection("acme", { ...settings, secretName: "no_underscores" }, NOW), /^(?!.*connections\.acme)[\s\S]*secretName/);
    });

    it("builds each of the example stack's connections on the plan its config reading made", () => {
        const config = parseStackConfig({ ...exampleProjectConfig(), revokeIssuedBefore: "2026-12-01T08:00:00Z" }, NOW);
        assert.ok(config.connections.length > 1);
        for (const { name, settings, plan } of config.connections) {
            const connection = new h.components.VendorConnection(name, { ...settings, vault, deployerObjectId: config.deployerObjectId, now: NOW.toISOString() });
            assert.equal(connection.plan, plan, `${name} was judged again`);
        }
    });
});
