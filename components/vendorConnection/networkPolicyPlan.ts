import { IssueCollector, joinPath } from "../errors";
import { checkIpRanges } from "../network";
import { AllowedIpRangesState } from "./choices";

export const ALLOWED_IP_RANGES_STATES: readonly AllowedIpRangesState[] = Object.values(AllowedIpRangesState);

/** The Conditional Access policy `state` for each of our states (Microsoft Graph's names). */
export const CONDITIONAL_ACCESS_STATE: Readonly<Record<AllowedIpRangesState, string>> = {
    enabled: "enabled",
    reportOnly: "enabledForReportingButNotEnforced",
};

/** The networks a connection's service principal may sign in from, checked. */
export interface AllowedNetworksPlan {
    /** CIDR ranges, normalised (a single address gets /32 or /128). */
    readonly ipRanges: readonly string[];
    readonly state: AllowedIpRangesState;
}

export interface AllowedNetworksSettings {
    readonly allowedIpRanges?: readonly unknown[];
    readonly allowedIpRangesState?: unknown;
}

/**
 * Checks `allowedIpRanges` and `allowedIpRangesState` of the connection at `path`. Undefined when
 * the connection does not pin its sign-ins (the feature is opt-in: it needs a Workload Identities
 * Premium licence).
 */
export function planAllowedNetworks(settings: AllowedNetworksSettings, path: string, issues: IssueCollector): AllowedNetworksPlan | undefined {
    const statePath = joinPath(path, "allowedIpRangesState");
    const state = settings.allowedIpRangesState ?? "enabled";
    if (!(ALLOWED_IP_RANGES_STATES as readonly unknown[]).includes(state)) {
        issues.add(statePath, `${JSON.stringify(state)} is not allowed; use ${ALLOWED_IP_RANGES_STATES.map((s) => JSON.stringify(s)).join(" or ")}.`);
    }
    if (settings.allowedIpRanges === undefined) {
        if (settings.allowedIpRangesState !== undefined) {
            issues.add(statePath, `applies only together with ${joinPath(path, "allowedIpRanges")}; set the ranges, or remove the state.`);
        }
        return undefined;
    }
    // Limits of Entra named locations (learn.microsoft.com/entra/identity/conditional-access/
    // concept-assignment-network): up to 2000 ranges, prefixes of /8 or longer, no private ranges
    // (Entra sees the public address a sign-in comes from).
    const ipRanges = checkIpRanges(settings.allowedIpRanges, joinPath(path, "allowedIpRanges"), issues, {
        service: "a Conditional Access named location",
        ipv6: true,
        minPrefix: 8,
        publicOnly: true,
        maxEntries: 2000,
        whenEmpty: "which would block every sign-in; to stop the vendor, set suspended: true; otherwise list the vendor's egress ranges, or omit allowedIpRanges.",
    });
    return { ipRanges: ipRanges ?? [], state: state as AllowedIpRangesState };
}
