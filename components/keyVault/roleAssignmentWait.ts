import { VaultKeyError, isForbiddenByRbac } from "./errors";

// Azure RBAC applies a role assignment to Key Vault's data plane minutes after it is made: "it will
// take up to 10 minutes (600 seconds) after role assignments is changed for role to be applied"
// (https://learn.microsoft.com/azure/key-vault/general/rbac-guide#known-limits-and-performance).
// A stack that grants its deploying identity Key Vault Crypto Officer and creates the connection's
// key in the same deploy meets that window on its first deploy: the grant succeeds, and the key
// create seconds later is refused with ForbiddenByRbac. So that refusal, and no other, is asked
// again with growing pauses for as long as the documented latency; after that it stands, and the
// error names the data action (errors.ts). A role that is really missing costs that wait once.

export interface RoleAssignmentWait {
    /** The pauses add up to at most this; then the refusal stands. */
    readonly maxWaitMs: number;
    /** The first pause; each next one doubles, up to maxDelayMs. */
    readonly firstDelayMs: number;
    readonly maxDelayMs: number;
}

/** Key Vault's documented role assignment latency, 600 s, in pauses of 5 s doubling to a minute. */
export const KEY_VAULT_ROLE_ASSIGNMENT_WAIT: RoleAssignmentWait = { maxWaitMs: 600_000, firstDelayMs: 5_000, maxDelayMs: 60_000 };

/** Runs `attempt`, and again after a pause each time Azure RBAC refuses it, within `wait`. */
export async function retryWhileRoleAssignmentsApply<T>(attempt: () => Promise<T>, wait: RoleAssignmentWait, sleep: (ms: number) => Promise<void> = pause): Promise<T> {
    let waitedMs = 0;
    let delayMs = wait.firstDelayMs;
    for (;;) {
        try {
            return await attempt();
        } catch (err) {
            if (!isForbiddenByRbac(err)) {
                throw err;
            }
            const next = Math.min(delayMs, wait.maxDelayMs, wait.maxWaitMs - waitedMs);
            if (next <= 0) {
                throw waitedMs > 0 ? stillRefused(err as VaultKeyError, waitedMs) : err;
            }
            await sleep(next);
            waitedMs += next;
            delayMs *= 2;
        }
    }
}

function stillRefused(err: VaultKeyError, waitedMs: number): VaultKeyError {
    const waited = Number((waitedMs / 1000).toFixed(1));
    return new VaultKeyError(
        `${err.message} It was still refused after ${waited} s, as long as a new role assignment takes to apply: assign the role, or check the assignment's scope (the vault or its resource group), then deploy again.`,
        err.call,
        err.status,
        err.code,
    );
}

function pause(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
