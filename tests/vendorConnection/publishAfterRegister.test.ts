import * as assert from "node:assert/strict";
import { CERTIFICATE_TYPE, DeploySimulator, fakeCertificateIssuer } from "../simulator";
import { FAKE_VAULT } from "../support/fakes";
import { unregisteredPublications } from "../support/publishedCertificate";
import { GRAPH_USER_READ } from "./support";

// The vault secret publishes the active certificate to the vendor; the key credential registers that
// certificate in Entra. Both are ready as soon as the certificate exists, so unless the secret waits
// for the key credential, an engine may write the secret first: for a while the vault serves a
// certificate Entra does not accept (and, if the key credential then fails, keeps serving it).
// Replayed through the redeploy simulator under one interleaving (its seed) in which, without that
// dependency, the secret completes first on the first deploy and again on the rotation.

// Default policy P30D / renewBefore P10D: the first deploy lies in an overlap (two certificates, slot a
// active); the second, in the next window, re-issues slot b, which becomes the active one.
const FIRST_DEPLOY = new Date("2026-11-10T09:00:00Z");
const ROTATION = new Date("2026-11-24T09:00:00Z");
const SEED = 3;

describe("VendorConnection publishes a certificate only once Entra has it registered", function () {
    this.timeout(120_000);

    it(`at every step of a first deploy and a rotation (simulator seed ${SEED}), the vault secret's certificate is a valid key credential of the connection's application`, async () => {
        const { VendorConnection } = await import("../../components");
        const sim = new DeploySimulator({ project: "vendor-connections", seed: SEED, issuers: { [CERTIFICATE_TYPE]: fakeCertificateIssuer() } });
        for (const now of [FIRST_DEPLOY, ROTATION]) {
            const run = await sim.up(now, () => {
                new VendorConnection("acme", { permissions: GRAPH_USER_READ, vault: FAKE_VAULT, now: now.toISOString() });
            });
            assert.ok(run.ok, run.error?.message);
        }
        // The rotation is one: the secret moved to another certificate.
        assert.deepEqual(
            sim.history[1].updates.map((r) => r.name),
            ["acme-secret"],
        );
        assert.deepEqual(
            unregisteredPublications(sim, ["acme"], () => ({ cutoffOf: () => undefined })),
            [],
            sim.describe(),
        );
    });
});
