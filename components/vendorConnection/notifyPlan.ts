import { createHash } from "node:crypto";
import { IssueCollector, joinPath } from "../errors";
import { checkHttpsUrl } from "../url";

// Rotation notices: Key Vault publishes an event when the connection's secret gets a new version
// (each rotation or revocation writes one) and when it nears expiry; Event Grid delivers those of
// this connection's secret, and no other, to the vendor's webhook, which then fetches the secret.

/**
 * The Key Vault events a vendor is sent. SecretNearExpiry fires 30 days before the secret's `exp`,
 * so with certificate lifetimes of 30 days or less it arrives as soon as each version is written.
 */
export const ROTATION_NOTICE_EVENT_TYPES: readonly string[] = ["Microsoft.KeyVault.SecretNewVersionCreated", "Microsoft.KeyVault.SecretNearExpiry"];

export interface NotifySettings {
    readonly webhookUrl?: unknown;
}

export interface NotifyPlan {
    /** The vendor's https endpoint (may carry an access key: keep it out of plain outputs). */
    readonly webhookUrl: string;
    readonly eventTypes: readonly string[];
    /** Name of the event subscription on the vault's system topic: unique per vault, like the secret. */
    readonly eventSubscriptionName: string;
}

/** Checks `notify` of connection `connectionName` (settings at `path`), whose certificate lives in secret `secretName`. */
export function planNotify(connectionName: string, notify: NotifySettings | undefined, secretName: string, path: string, issues: IssueCollector): NotifyPlan | undefined {
    if (notify === undefined) {
        return undefined;
    }
    const webhookUrl = checkHttpsUrl(
        notify.webhookUrl,
        joinPath(joinPath(path, "notify"), "webhookUrl"),
        issues,
        `connection ${connectionName}'s rotation notices must not travel in clear text, and Event Grid delivers only to https webhooks.`,
        "https://vendor.example/hooks/certificate-rotated",
    );
    if (webhookUrl === undefined) {
        return undefined;
    }
    return { webhookUrl, eventTypes: ROTATION_NOTICE_EVENT_TYPES, eventSubscriptionName: eventSubscriptionNameFor(secretName) };
}

// Event subscription names: 3-64 letters, digits and hyphens
// (learn.microsoft.com/azure/event-grid/subscription-creation-schema). Secret names use the same
// characters, up to 127 of them, so a long one is cut and a hash of it keeps the result unique.
const MAX_SUBSCRIPTION_NAME = 64;

export function eventSubscriptionNameFor(secretName: string): string {
    const name = `${secretName}-notify`;
    if (name.length <= MAX_SUBSCRIPTION_NAME) {
        return name;
    }
    const hash = createHash("sha256").update(secretName.toLowerCase()).digest("hex").slice(0, 8);
    return `${name.slice(0, MAX_SUBSCRIPTION_NAME - hash.length - 1)}-${hash}`;
}
