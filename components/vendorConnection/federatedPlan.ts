import { IssueCollector, joinPath } from "../errors";
import { parseInstant, toRfc3339 } from "../time";
import { checkHttpsUrl } from "../url";
import type { CredentialSettings } from "./credentialPlan";

// Workload identity federation instead of a certificate: the vendor's own identity provider
// (issuer) signs a token for one of its workloads (subject); Entra exchanges it for an access
// token of this connection's application. Nothing secret is kept here or in the vault.
//
// Revocation rule: every federated credential says since when it is trusted (`trustedFrom`: when
// this issuer and subject were configured or last re-confirmed). A revocation cutoff later than
// that instant removes the credential, and it stays removed until the configuration trusts it
// again from an instant at or after the cutoff. This is the certificates' rule ("issued before the
// cutoff") applied to a trust instead of a key, decided from config alone, so a plan shows it.

/** The audience Entra expects in tokens exchanged for its own access tokens. */
export const ENTRA_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

// Microsoft Graph limits of federatedIdentityCredential: issuer, subject and the audience at most
// 600 characters each, one audience only; the credential's name 3-120 URL-friendly characters.
const MAX_CLAIM_LENGTH = 600;
const CREDENTIAL_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/;

/** Whether the federated credential is registered at this deploy. */
export type FederatedCredentialState = "trusted" | "revoked" | "suspended";

export interface FederatedCredentialPlan {
    readonly type: "federated";
    readonly issuer: string;
    readonly subject: string;
    readonly audiences: readonly string[];
    readonly trustedFrom: Date;
    /** `trusted`: registered; `revoked`: a cutoff is later than trustedFrom; `suspended`: the connection is. */
    readonly state: FederatedCredentialState;
    /** Name of the credential on the application (unique per application, immutable). */
    readonly credentialName: string;
}

/** The federated credential's name on the application. */
export function federatedCredentialName(connectionName: string): string {
    return `${connectionName}-federated`;
}

/**
 * Checks a federated credential's settings at `path` (the connection's) and decides whether it is
 * registered at `now`, given the effective revocation cutoff and suspension.
 */
export function planFederatedCredential(
    connectionName: string,
    credential: CredentialSettings,
    context: { readonly now: Date; readonly cutoff: Date | undefined; readonly suspended: boolean },
    path: string,
    issues: IssueCollector,
): FederatedCredentialPlan | undefined {
    const at = (key: string) => joinPath(joinPath(path, "credential"), key);

    const issuer = checkHttpsUrl(
        credential.issuer,
        at("issuer"),
        issues,
        "Entra fetches the issuer's signing keys from it, so it must be https.",
        "https://login.vendor.example/tenants/contoso",
    );
    if (issuer !== undefined && issuer.length > MAX_CLAIM_LENGTH) {
        issues.add(at("issuer"), `is ${issuer.length} characters long; Entra accepts at most ${MAX_CLAIM_LENGTH}.`);
    }
    checkClaim(credential.subject, at("subject"), issues, "the `sub` claim of the vendor's tokens, e.g. system:serviceaccount:backup:agent");

    const audiences = credential.audiences ?? [ENTRA_TOKEN_EXCHANGE_AUDIENCE];
    if (audiences.length !== 1) {
        issues.add(at("audiences"), `lists ${audiences.length} audiences; Entra accepts exactly one (default ${ENTRA_TOKEN_EXCHANGE_AUDIENCE}).`);
    }
    audiences.forEach((audience, index) =>
        checkClaim(audience, joinPath(at("audiences"), index), issues, `the \`aud\` claim of the vendor's tokens, usually ${ENTRA_TOKEN_EXCHANGE_AUDIENCE}`),
    );

    const trustedFrom = checkTrustedFrom(credential.trustedFrom, context.now, at("trustedFrom"), issues);

    const credentialName = federatedCredentialName(connectionName);
    if (!CREDENTIAL_NAME.test(credentialName)) {
        issues.add(
            path || "name",
            `${JSON.stringify(credentialName)} is not a valid federated credential name; use a connection name of letters, digits, hyphens and underscores, at most ${120 - "-federated".length} characters.`,
        );
    }

    // Without a trust instant there is no plan; with other problems the plan made is never used,
    // since the judgement that asked for it throws every problem it collected.
    if (trustedFrom === undefined) {
        return undefined;
    }
    return {
        type: "federated",
        issuer: issuer!,
        subject: credential.subject as string,
        audiences: audiences as string[],
        trustedFrom,
        state: context.suspended ? "suspended" : context.cutoff !== undefined && context.cutoff > trustedFrom ? "revoked" : "trusted",
        credentialName,
    };
}

function checkClaim(value: unknown, path: string, issues: IssueCollector, what: string): void {
    if (typeof value !== "string" || value.trim() === "") {
        issues.add(path, `${value === undefined ? "is required" : `${JSON.stringify(value)} is not allowed`}; give a non-empty string: ${what}.`);
    } else if (value.length > MAX_CLAIM_LENGTH) {
        issues.add(path, `is ${value.length} characters long; Entra accepts at most ${MAX_CLAIM_LENGTH}.`);
    }
}

function checkTrustedFrom(value: unknown, now: Date, path: string, issues: IssueCollector): Date | undefined {
    const instant = parseInstant(value);
    if (instant === undefined) {
        issues.add(
            path,
            `${value === undefined ? "is required" : `${JSON.stringify(value)} is not an RFC 3339 instant`}; set it to when you configured (or last re-confirmed) ` +
                "this issuer and subject, e.g. 2026-11-28T09:00:00Z: a revocation cutoff after it removes the credential.",
        );
        return undefined;
    }
    if (instant > now) {
        issues.add(path, `${toRfc3339(instant)} is in the future; a trust can only start at or before the deploy time (${toRfc3339(now)}).`);
        return undefined;
    }
    return instant;
}
