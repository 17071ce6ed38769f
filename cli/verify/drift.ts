import { normalizeThumbprint } from "../../components/sweep/keyIdentity";
import type { LiveConnection, SweepPlan, SweptObject } from "../../components/sweep/model";
import type { ExpectedConnection } from "../../components/vendorConnection/expected";
import type { PublishedSecret } from "./vaultMetadata";

// What `npm run verify` reports for one connection, from what the stack expects, what Graph holds
// and the sweep's plan over both. Pure.

export interface Drift {
    readonly object: SweptObject | "vault";
    /**
     * A stray's kind (keyCredential, owner, ...), or missingObject, missingKeyCredential, accountEnabled, rotationOverdue, renewalDue;
     * for the vault: missingSecret, secretNotSuspended, activeThumbprint, secretDisabled (vaultDriftOf), or missingKey,
     * enabledKeyVersion, disabledKeyVersion, keyVersionThumbprint, missingKeyVersion (keyDriftOf).
     */
    readonly kind: string;
    readonly id: string;
    readonly displayName: string | null;
    readonly detail: string;
}

export function driftOf(name: string, expected: ExpectedConnection, live: LiveConnection, plan: SweepPlan, now: Date): Drift[] {
    const drift: Drift[] = [];
    const { declared } = expected;
    for (const object of ["application", "servicePrincipal"] as const) {
        if (live[object] === null) {
            const id = declared[object].objectId;
            drift.push({
                object,
                kind: "missingObject",
                id,
                displayName: null,
                detail: `Graph has no ${object} ${id}: it was deleted outside the stack; a deploy creates it again.`,
            });
        }
    }
    for (const stray of plan.strays) {
        const created = stray.created ? ` (added ${stray.created})` : "";
        drift.push({
            object: stray.object,
            kind: stray.kind,
            id: stray.id,
            displayName: stray.displayName ?? null,
            detail: `not declared by the stack: ${stray.description}${created}; ${expected.sweep === "enforce" ? "the next deploy removes it" : `sweep is ${expected.sweep}, so no deploy removes it`}.`,
        });
    }
    if (live.application !== null) {
        const registered = new Set(live.application.keyCredentials.map((k) => k.thumbprint));
        for (const thumbprint of declared.application.keyCredentialThumbprints) {
            const normalized = normalizeThumbprint(thumbprint) ?? thumbprint;
            if (!registered.has(normalized)) {
                drift.push({
                    object: "application",
                    kind: "missingKeyCredential",
                    id: normalized,
                    displayName: null,
                    detail: `the certificate ${normalized} the stack holds is not registered on the application: the vendor cannot sign in with it; a deploy registers it again.`,
                });
            }
        }
    }
    if (live.servicePrincipal !== null && live.servicePrincipal.accountEnabled === expected.suspended) {
        drift.push({
            object: "servicePrincipal",
            kind: "accountEnabled",
            id: declared.servicePrincipal.objectId,
            displayName: null,
            detail: expected.suspended
                ? "the connection is suspended, but its service principal may sign in (accountEnabled is true)."
                : "the service principal is disabled (accountEnabled is false) although the connection is not suspended: the vendor is cut off.",
        });
    }
    if (expected.nextRotation !== null && Date.parse(expected.nextRotation) <= now.getTime()) {
        drift.push({
            object: "application",
            kind: "rotationOverdue",
            id: declared.application.objectId,
            displayName: null,
            detail: `nextRotation ${expected.nextRotation} has passed: deploys have stopped for ${name}; run one before the active certificate expires${expected.activeNotAfter ? ` (${expected.activeNotAfter})` : ""}.`,
        });
    }
    if (expected.activeNotAfter !== null && expected.renewBeforeMs !== null && Date.parse(expected.activeNotAfter) - expected.renewBeforeMs <= now.getTime()) {
        drift.push({
            object: "vault",
            kind: "renewalDue",
            id: expected.secretName ?? name,
            displayName: null,
            detail: `the active certificate ${expected.activeThumbprint ?? ""} expires at ${expected.activeNotAfter}, within its renew-before window: its successor should already be issued.`,
        });
    }
    return drift;
}

/** What the vault publishes for the connection against what the stack holds: from the secret's tags and attributes, never its value. */
export function vaultDriftOf(expected: ExpectedConnection, published: ReadonlyMap<string, PublishedSecret>): Drift[] {
    const { secretName } = expected;
    if (secretName === null) {
        return [];
    }
    const secret = published.get(secretName.toLowerCase());
    const drift = (kind: string, detail: string): Drift[] => [{ object: "vault", kind, id: secretName, displayName: null, detail }];
    if (secret === undefined) {
        return drift("missingSecret", "the vault has no such secret: the vendor finds no certificate; a deploy writes it again.");
    }
    if (expected.suspended) {
        return secret.enabled || secret.tags.state !== "suspended"
            ? drift("secretNotSuspended", "the connection is suspended, but its secret is enabled or not marked suspended.")
            : [];
    }
    const tagged = normalizeThumbprint(secret.tags.thumbprintSha1 ?? "");
    const active = expected.activeThumbprint === null ? undefined : normalizeThumbprint(expected.activeThumbprint);
    if (tagged !== active) {
        return drift(
            "activeThumbprint",
            `the secret is tagged with certificate ${secret.tags.thumbprintSha1 ?? "(none)"}, not the active ${expected.activeThumbprint ?? "(none)"}: it was written outside the stack, or the last deploy failed before publishing.`,
        );
    }
    return secret.enabled ? [] : drift("secretDisabled", "the secret is disabled although the connection is not suspended: the vendor cannot fetch its certificate.");
}
