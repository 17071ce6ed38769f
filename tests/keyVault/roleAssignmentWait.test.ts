import * as assert from "node:assert/strict";
import { VaultKeyError } from "../../components/keyVault/errors";
import { KEY_VAULT_ROLE_ASSIGNMENT_WAIT, retryWhileRoleAssignmentsApply } from "../../components/keyVault/roleAssignmentWait";

// Azure RBAC's refusal of a role assigned moments before is asked again, with growing pauses, for
// at most Key Vault's documented latency; nothing else is asked again. Pauses are recorded, not
// slept.

const CALL = { operation: "create", vaultUri: "https://kv-test.vault.azure.net/", keyName: "acme" } as const;
const refusedByRbac = () => new VaultKeyError("Key Vault refused to create key acme: the deploying identity lacks the data action X.", CALL, 403, "ForbiddenByRbac");

/** An attempt refused `refusals` times with `refusal()`, then answering "made". */
function attemptRefused(refusals: number, refusal: () => Error = refusedByRbac): { attempt: () => Promise<string>; attempts: () => number } {
    let attempts = 0;
    return {
        attempt: async () => {
            attempts += 1;
            if (attempts <= refusals) {
                throw refusal();
            }
            return "made";
        },
        attempts: () => attempts,
    };
}

describe("waiting for a role assignment to apply to Key Vault", () => {
    it("asks again after pauses that double, up to the longest, until the refusal stops", async () => {
        const pauses: number[] = [];
        const { attempt, attempts } = attemptRefused(7);
        assert.equal(await retryWhileRoleAssignmentsApply(attempt, KEY_VAULT_ROLE_ASSIGNMENT_WAIT, async (ms) => void pauses.push(ms)), "made");
        assert.equal(attempts(), 8);
        assert.deepEqual(pauses, [5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
    });

    it("lets the refusal stand once the pauses reach Key Vault's 600 s, saying how long it waited", async () => {
        const pauses: number[] = [];
        await assert.rejects(
            retryWhileRoleAssignmentsApply(attemptRefused(Infinity).attempt, KEY_VAULT_ROLE_ASSIGNMENT_WAIT, async (ms) => void pauses.push(ms)),
            (err: VaultKeyError) => {
                assert.equal(err.code, "ForbiddenByRbac");
                assert.match(err.message, /^Key Vault refused to create key acme: the deploying identity lacks the data action X\. It was still refused after 600 s/);
                return true;
            },
        );
        assert.equal(
            pauses.reduce((a, b) => a + b),
            600_000,
        );
    });

    it("asks nothing again that is not Azure RBAC's refusal: the firewall's, a missing key, a failure to connect", async () => {
        const refusals = [
            new VaultKeyError("firewall", CALL, 403, "ForbiddenByFirewall"),
            new VaultKeyError("gone", CALL, 404, "KeyNotFound"),
            new VaultKeyError("unreachable", CALL, undefined, undefined),
        ];
        for (const refusal of refusals) {
            const { attempt, attempts } = attemptRefused(1, () => refusal);
            await assert.rejects(
                retryWhileRoleAssignmentsApply(attempt, KEY_VAULT_ROLE_ASSIGNMENT_WAIT, async () => assert.fail("paused")),
                (err) => err === refusal,
            );
            assert.equal(attempts(), 1);
        }
    });

    it("with no time to wait, the refusal is Key Vault's own", async () => {
        const refusal = refusedByRbac();
        await assert.rejects(retryWhileRoleAssignmentsApply(attemptRefused(1, () => refusal).attempt, { maxWaitMs: 0, firstDelayMs: 5, maxDelayMs: 5 }), (err) => err === refusal);
    });
});
