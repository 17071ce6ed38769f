import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { FAKE_DEPLOYER_OBJECT_ID } from "../support/fakes";
import { connectionHarness, vault } from "./support";

// The arguments that decide which resources a connection declares are judged when the program
// runs. TypeScript's types keep outputs out of them; a program in another language can still send
// one (a secret, another resource's value), and it is refused at its path, not judged as text.

const READER = "44444444-4444-4444-a444-444444444444";

describe("VendorConnection: outputs among the plain arguments", () => {
    const h = connectionHarness();
    // What another language's arguments may hold, which TypeScript's types would refuse.
    const loose = (args: Record<string, unknown>) => args as never;

    it("names each one by its path, and judges nothing else until they are plain", () => {
        const message = h.refusal(
            "acme",
            loose({
                readers: [READER, pulumi.output(READER)],
                notify: { webhookUrl: pulumi.secret("https://vendor.example/hooks/rotated") },
                suspended: Promise.resolve(false),
                secretName: "not a secret name",
            }),
        );
        const lines = message.split("\n").slice(1);
        assert.deepEqual(
            lines.map((line) => line.slice(0, line.indexOf(":"))),
            ["suspended", "readers[1]", "notify.webhookUrl"],
        );
        for (const line of lines) {
            assert.match(
                line,
                /: is an output, known only as the deploy runs \(a value from another resource, or a secret\); give it as a plain value: it decides which resources the connection declares\.$/,
            );
        }
    });

    it("names the vault's firewall ranges when they are an output", () => {
        const message = h.refusal("acme", loose({ readers: [READER], vault: { ...vault, allowedIpRanges: pulumi.output(["203.0.113.0/24"]) } }));
        assert.match(message, /^vault\.allowedIpRanges: is an output/m);
    });

    it("leaves outputs where the arguments take them: display name, owners, deployer, notes, the vault's names", async () => {
        const connection = await h.declare(
            "acme",
            loose({
                displayName: pulumi.output("Acme"),
                owners: pulumi.output(["11111111-1111-4111-a111-111111111111"]),
                deployerObjectId: pulumi.output(FAKE_DEPLOYER_OBJECT_ID),
                notes: pulumi.output("contract"),
                vault: { ...vault, vaultName: pulumi.output(vault.vaultName) },
            }),
        );
        assert.ok(connection.plan.secretName);
    });
});
