import * as assert from "node:assert/strict";
import { issueLines } from "../support/validation";
import { parseStackConfig } from "../../cli/config";

// A vault-key connection in stack config: judged like the other credential types, with what only
// the whole stack knows (the vault's tier, whether the vault must prepare for keys) at config paths.

const NOW = new Date("2026-12-01T09:00:00Z");
const graph = [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }];
const READER = "2c9e8d7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f";

describe("stack configuration: credential type vaultKey", () => {
    it("prepares the vault for keys only when some connection's credential is a vault key", () => {
        const backup = { permissions: graph, credential: { type: "vaultKey" }, readers: [READER] };
        const config = parseStackConfig({ vault: { resourceGroupName: "rg" }, connections: { backup, scanner: { permissions: graph } } }, NOW);
        assert.equal(config.needsVaultKeys, true);
        const [plan] = config.connections.map((c) => c.plan);
        assert.deepEqual(plan.credential, { type: "vaultKey", keyName: "backup-key", hardwareProtected: false });
        assert.equal(plan.secretName, undefined);
        assert.equal(parseStackConfig({ vault: { resourceGroupName: "rg" }, connections: { scanner: { permissions: graph } } }, NOW).needsVaultKeys, false);
    });

    it("takes HSM-protected keys from a premium vault only, naming both settings", () => {
        const backup = { permissions: graph, credential: { type: "vaultKey", hardwareProtected: true } };
        assert.deepEqual(
            issueLines(() => parseStackConfig({ vault: { resourceGroupName: "rg" }, connections: { backup } }, NOW)),
            ['connections.backup.credential.hardwareProtected: needs a Premium vault, which holds HSM-protected keys; set vault.sku to "premium", or leave hardwareProtected out.'],
        );
        const premium = parseStackConfig({ vault: { resourceGroupName: "rg", sku: "premium" }, connections: { backup } }, NOW);
        assert.equal(premium.connections[0].plan.credential.type === "vaultKey" && premium.connections[0].plan.credential.hardwareProtected, true);
    });

    it("names every problem at its config path: the vault's tier and deployer type, settings a vault key has no use for", () => {
        const lines = issueLines(() =>
            parseStackConfig(
                {
                    vault: { resourceGroupName: "rg", sku: "gold", deployerPrincipalType: "Robot" },
                    connections: { backup: { permissions: graph, credential: { type: "vaultKey", subject: "agent" }, secretName: "backup-cert" } },
                },
                NOW,
            ),
        );
        assert.deepEqual(lines, [
            'vault.sku: "gold" is not allowed; use "standard" (the default) or "premium" (HSM-protected keys).',
            'vault.deployerPrincipalType: "Robot" is not allowed; use "ServicePrincipal" (the default: a pipeline\'s identity) or "User" (a person deploying from a desk).',
            'connections.backup.credential.subject: is not allowed with connections.backup.credential.type "vaultKey"; a vaultKey credential takes type, hardwareProtected.',
            'connections.backup.secretName: is not allowed together with connections.backup.credential.type "vaultKey": a vaultKey connection keeps no secret in the vault: its credential is the vault key "<connection name>-key".',
        ]);
    });
});
