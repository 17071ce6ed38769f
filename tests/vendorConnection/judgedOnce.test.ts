import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { connectionJudgements, forgetJudgements, planConnection } from "../../components/vendorConnection/validation";
import { parseStackConfig } from "../../cli/config";
import { exampleProjectConfig } from "../support/exampleStack";
import { GRAPH_USER_READ, NOW, connectionHarness, vault } from "./support";

// A connection's settings are judged on one path: the stack's config reading judges them (so that
// problems name config paths, and the vault firewall can be planned from every connection), and
// the VendorConnection built from them gets that very plan back rather than judging again.

describe("a connection's settings are judged once", () => {
    const h = connectionHarness();

    it("gives back the judgement already made for equal settings of the same connection at the same instant, whatever the path", () => {
        const settings = { permissions: GRAPH_USER_READ, readers: ["44444444-4444-4444-a444-444444444444"], revokeIssuedBefore: new Date("2026-12-01T00:00:00Z") };
        const plan = planConnection("acme", settings, NOW, "connections.acme");
        const judged = connectionJudgements();
        assert.deepEqual(planConnection("acme", structuredClone(settings), new Date(NOW), ""), plan);
        assert.equal(connectionJudgements(), judged, "equal settings were judged again");
        // An Output among the owners is Entra's to check: it cannot change the plan.
        planConnection("acme", { ...settings, owners: [pulumi.output("55555555-5555-4555-a555-555555555555")] }, NOW);
        const withOutputOwner = connectionJudgements();
        planConnection("acme", { ...settings, owners: [pulumi.output("other")] }, NOW);
        assert.equal(connectionJudgements(), withOutputOwner);
    });

    it("gives each caller its own copy: what one caller changes, the next is not given", () => {
        const settings = { permissions: GRAPH_USER_READ, readers: ["44444444-4444-4444-a444-444444444444"] };
        const first = planConnection("acme", settings, NOW) as unknown as { readers: string[] };
        first.readers.push("not-a-guid");
        assert.deepEqual(planConnection("acme", settings, NOW).readers, ["44444444-4444-4444-a444-444444444444"]);
    });

    it("judges anew whatever can change the plan: the connection, the instant, any setting", () => {
        const settings = { permissions: GRAPH_USER_READ };
        planConnection("acme", settings, NOW);
        const judged = connectionJudgements();
        planConnection("other", settings, NOW);
        planConnection("acme", settings, new Date(NOW.getTime() + 1));
        assert.equal(planConnection("acme", { ...settings, suspended: true }, NOW).suspended, true);
        assert.equal(connectionJudgements(), judged + 3);
        // A refused value is never kept: it is refused again, at the caller's path.
        assert.throws(() => planConnection("acme", { ...settings, secretName: "no_underscores" }, NOW, "connections.acme"), /connections\.acme\.secretName/);
        assert.throws(() => planConnection("acme", { ...settings, secretName: "no_underscores" }, NOW), /^(?!.*connections\.acme)[\s\S]*secretName/);
    });

    it("reads settings by value: a Date by its instant, an object whatever the order of its keys", () => {
        const cutoff = (iso: string) => ({ permissions: GRAPH_USER_READ, revokeIssuedBefore: new Date(iso) });
        const earlier = planConnection("acme", cutoff("2026-11-01T00:00:00Z"), NOW);
        const judged = connectionJudgements();
        assert.deepEqual(planConnection("acme", cutoff("2026-11-20T00:00:00Z"), NOW).revokeIssuedBefore, new Date("2026-11-20T00:00:00Z"));
        assert.equal(connectionJudgements(), judged + 1, "another instant is another setting");
        assert.deepEqual(earlier.revokeIssuedBefore, new Date("2026-11-01T00:00:00Z"));
        const certificate = { permissions: GRAPH_USER_READ, certificate: { lifetime: "P14D", renewBefore: "P3D" } };
        planConnection("acme", certificate, NOW);
        const before = connectionJudgements();
        planConnection("acme", { permissions: GRAPH_USER_READ, certificate: { renewBefore: "P3D", lifetime: "P14D" } }, NOW);
        assert.equal(connectionJudgements(), before, "the same policy written in another order was judged again");
    });

    it("forgets on request, and keeps at most 10,000 judgements, the oldest going first", () => {
        const settings = { permissions: GRAPH_USER_READ };
        planConnection("acme", settings, NOW);
        forgetJudgements();
        const afterForget = connectionJudgements();
        planConnection("acme", settings, NOW);
        assert.equal(connectionJudgements(), afterForget + 1);

        forgetJudgements();
        for (let i = 0; i < 10_000; i++) {
            planConnection(`c${i}`, settings, NOW);
        }
        const full = connectionJudgements();
        planConnection("c0", settings, NOW);
        assert.equal(connectionJudgements(), full, "the oldest of 10,000 judgements was forgotten too early");
        planConnection("c10000", settings, NOW);
        planConnection("c1", settings, NOW);
        assert.equal(connectionJudgements(), full + 1, "the 10,001st judgement kept the oldest");
        planConnection("c0", settings, NOW);
        assert.equal(connectionJudgements(), full + 2, "the oldest judgement was not the one forgotten");
        forgetJudgements();
    });

    it("builds each of the example stack's connections on the plan its config reading made", () => {
        const config = parseStackConfig({ ...exampleProjectConfig(), revokeIssuedBefore: "2026-12-01T08:00:00Z" }, NOW);
        assert.ok(config.connections.length > 1);
        const judged = connectionJudgements();
        for (const { name, settings, plan } of config.connections) {
            const connection = new h.components.VendorConnection(name, { ...settings, vault, deployerObjectId: config.deployerObjectId, now: NOW.toISOString() });
            assert.deepEqual(connection.plan, plan);
        }
        assert.equal(connectionJudgements(), judged, "a connection was judged again");
    });
});
