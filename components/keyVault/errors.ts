import { isRestError } from "@azure/core-rest-pipeline";
import { AttemptTimedOutError } from "../http/attemptPolicies";

// What a failed Key Vault call tells the operator: which call, on which vault, and what to change.
// Key Vault's error body is `{ error: { code, message, innererror: { code } } }`; a 403's inner code
// tells the firewall (ForbiddenByFirewall) from authorization (ForbiddenByRbac, or an access
// policy's) (https://learn.microsoft.com/azure/key-vault/general/rest-error-codes).

export type VaultKeyOperation = "create" | "get" | "sign" | "update";

/**
 * The Azure RBAC data action each call needs
 * (https://learn.microsoft.com/azure/role-based-access-control/permissions/security#microsoftkeyvault).
 * Key Vault Crypto Officer holds all four; the vendor's own role holds only read and sign.
 */
export const DATA_ACTIONS: Readonly<Record<VaultKeyOperation, string>> = {
    create: "Microsoft.KeyVault/vaults/keys/create/action",
    get: "Microsoft.KeyVault/vaults/keys/read",
    sign: "Microsoft.KeyVault/vaults/keys/sign/action",
    update: "Microsoft.KeyVault/vaults/keys/update/action",
};

export interface VaultKeyCall {
    readonly operation: VaultKeyOperation;
    readonly vaultUri: string;
    readonly keyName: string;
}

export class VaultKeyError extends Error {
    constructor(
        message: string,
        readonly call: VaultKeyCall,
        /** HTTP status, when Key Vault answered. */
        readonly status: number | undefined,
        /** Key Vault's own code, the inner one when there is one (ForbiddenByFirewall, KeyDisabled, ...). */
        readonly code: string | undefined,
    ) {
        super(message);
        this.name = "VaultKeyError";
    }
}

/** True when Key Vault said the key (or that version of it) does not exist. */
export function isKeyNotFound(err: unknown): boolean {
    return err instanceof VaultKeyError && err.status === 404;
}

/**
 * True when Azure RBAC refused the caller (inner code ForbiddenByRbac): the role is missing, or was
 * assigned too recently to apply yet. Not the firewall, and not a vault on access policies.
 */
export function isForbiddenByRbac(err: unknown): boolean {
    return err instanceof VaultKeyError && err.status === 403 && err.code === "ForbiddenByRbac";
}

/** The error to report for `err`, thrown by the SDK during `call`. */
export function vaultKeyError(err: unknown, call: VaultKeyCall): VaultKeyError {
    const what = `Key Vault ${call.vaultUri} refused to ${call.operation} key ${call.keyName}`;
    if (err instanceof VaultKeyError) {
        return err;
    }
    if (err instanceof AttemptTimedOutError) {
        return new VaultKeyError(
            `Key Vault ${call.vaultUri} gave no answer to ${call.operation} key ${call.keyName} within ${err.timeoutMs} ms; run the deploy again.`,
            call,
            undefined,
            undefined,
        );
    }
    if (!isRestError(err) || err.statusCode === undefined) {
        const reason = err instanceof Error ? err.message : String(err);
        return new VaultKeyError(`could not reach Key Vault ${call.vaultUri} to ${call.operation} key ${call.keyName}: ${reason}`, call, undefined, undefined);
    }
    const { code, innerCode, message } = errorBody(err.details);
    const status = err.statusCode;
    const specific = innerCode ?? code;
    switch (status) {
        case 401:
            return new VaultKeyError(
                `${what}: the deploying identity's token was not accepted (${message ?? code ?? "401"}). Check the credential the deploy runs with (az login, or the pipeline's workload identity) and, in a sovereign cloud, AZURE_AUTHORITY_HOST.`,
                call,
                status,
                specific,
            );
        case 403:
            if (innerCode === "ForbiddenByFirewall") {
                return new VaultKeyError(
                    `${what} from this network (ForbiddenByFirewall): the vault's firewall (vault.allowedIpRanges) must admit the address this deploy runs from, as well as the networks the vendor signs from. Add the deploy runner's egress range, or deploy from a network the vault admits.`,
                    call,
                    status,
                    innerCode,
                );
            }
            if (innerCode === "KeyDisabled" || innerCode === "KeyExpiredOrNotYetValid") {
                return new VaultKeyError(`${what}: ${message ?? innerCode}`, call, status, innerCode);
            }
            return new VaultKeyError(
                `${what}: the deploying identity lacks the data action ${DATA_ACTIONS[call.operation]} on the vault (the built-in role Key Vault Crypto Officer grants it: ` +
                    "VendorVault with vaultKeyCredentials grants it to its deployerObjectId, so a deploy run by another identity, or a vault the stack does not manage, needs it granted by hand)" +
                    `${message ? `; Key Vault said: ${firstLine(message)}` : ""}.`,
                call,
                status,
                specific,
            );
        case 404:
            return new VaultKeyError(`${what}: ${message ?? "not found"}`, call, status, specific);
        case 429:
            return new VaultKeyError(
                `${what}: still throttled after the client's retries (${message ?? "429"}). Key Vault limits operations per vault; run the deploy again later, or spread connections over more vaults.`,
                call,
                status,
                specific,
            );
        default:
            return new VaultKeyError(`${what}: HTTP ${status}${specific ? ` ${specific}` : ""}${message ? `: ${firstLine(message)}` : ""}`, call, status, specific);
    }
}

/** The error body as the SDK hands it over: deserialized, so the wire's `innererror` is `innerError`. */
function errorBody(details: unknown): { code?: string; innerCode?: string; message?: string } {
    type Body = { error?: { code?: unknown; message?: unknown; innerError?: { code?: unknown }; innererror?: { code?: unknown } } };
    const error = (details as Body | undefined)?.error;
    const text = (value: unknown) => (typeof value === "string" && value.length > 0 ? value : undefined);
    return { code: text(error?.code), innerCode: text((error?.innerError ?? error?.innererror)?.code), message: text(error?.message) };
}

/** The message's first line, without its full stop: the rest names the caller and its address. */
function firstLine(text: string): string {
    return text.split(/\r?\n/)[0].replace(/\.$/, "");
}
