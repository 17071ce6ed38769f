import { IssueCollector, joinPath } from "../errors";
import { containsRange, parseIpRange } from "../network";

// A vault with `allowedIpRanges` denies every other network (defaultAction Deny). ARM writes
// bypass that firewall, so a deploy succeeds either way, but a vendor's reader fetches its
// certificate from the vendor's own network, through the vault's data plane, which the firewall
// does filter (https://learn.microsoft.com/azure/key-vault/general/network-security). A vendor
// whose network the vault does not admit would find its secret out of reach, long after the deploy.
//
// The vault therefore admits, besides its own ranges, the IPv4 ranges every certificate connection
// with readers names in `allowedIpRanges`: the networks the vendor signs in from are the networks
// it reads from. Merging rather than asking for the ranges twice keeps one list per vendor, so a
// vendor's new egress range cannot reach its sign-in policy and miss its vault. Key Vault's
// firewall takes IPv4 only: IPv6 ranges still pin the sign-ins, and are reported as not admitted.

/** A connection's view of the vault firewall: where its settings are, and which networks it names. */
export interface VaultClient {
    /** Where the connection's settings sit in the caller's terms (`connections.acme`, or `` for component arguments). */
    readonly path: string;
    /** Whether the connection keeps a certificate in the vault (federated ones keep nothing). */
    readonly certificate: boolean;
    /** How many vendor identities read the certificate. */
    readonly readers: number;
    /** The connection's `allowedIpRanges`, normalised to CIDR; undefined when it names none. */
    readonly allowedIpRanges: readonly string[] | undefined;
}

/** One rule of the vault firewall and the settings that ask for it. */
export interface VaultIpRule {
    readonly range: string;
    /** Config paths (or argument names) whose lists hold this range. */
    readonly from: readonly string[];
}

/** The vault firewall a deploy declares: what it admits, and the vendor ranges it cannot admit. */
export interface VaultFirewallPlan {
    readonly ipRules: readonly VaultIpRule[];
    /** Vendor IPv6 ranges, which Key Vault's firewall cannot take: they pin sign-ins only. */
    readonly notAdmitted: readonly { readonly range: string; readonly from: string; readonly reason: string }[];
}

const IPV6_NOT_ADMITTED = "Key Vault's firewall admits IPv4 only; this range still limits where the vendor may sign in from";

/**
 * The rules of a vault firewall: `vaultRanges` (at `vaultPath`, normalised) plus the IPv4 ranges
 * of every certificate connection with readers. Undefined when the vault has no firewall (it then
 * admits every network and nothing needs merging). A connection whose readers the firewall would
 * still block, because it names no IPv4 range, is an issue at its readers.
 */
export function planVaultFirewall(
    vaultRanges: readonly string[] | undefined,
    vaultPath: string,
    clients: readonly VaultClient[],
    issues: IssueCollector,
): VaultFirewallPlan | undefined {
    if (vaultRanges === undefined) {
        return undefined;
    }
    const rules = new Map<string, string[]>();
    const admit = (range: string, from: string) => rules.set(range, [...(rules.get(range) ?? []), from]);
    for (const range of vaultRanges) {
        admit(range, vaultPath);
    }
    const notAdmitted: { range: string; from: string; reason: string }[] = [];
    for (const client of clients.filter((c) => c.certificate && c.readers > 0)) {
        const from = joinPath(client.path, "allowedIpRanges");
        const ranges = (client.allowedIpRanges ?? []).map((cidr) => ({ cidr, parsed: parseIpRange(cidr) }));
        for (const { cidr, parsed } of ranges) {
            if (parsed?.version === 4) {
                admit(cidr, from);
            } else {
                notAdmitted.push({ range: cidr, from, reason: IPV6_NOT_ADMITTED });
            }
        }
        if (!ranges.some(({ parsed }) => parsed?.version === 4)) {
            issues.add(joinPath(client.path, "readers"), unreachableReaders(client, vaultPath, from));
        }
    }
    return { ipRules: [...rules].map(([range, sources]) => ({ range, from: sources })), notAdmitted };
}

/**
 * For a connection given a vault whose firewall rules are fixed (component arguments): an issue at
 * the connection's readers when its IPv4 ranges are not all admitted by `vaultRanges`.
 */
export function checkVaultAdmits(vaultRanges: readonly string[] | undefined, vaultPath: string, client: VaultClient, issues: IssueCollector): void {
    if (vaultRanges === undefined || !client.certificate || client.readers === 0) {
        return;
    }
    const from = joinPath(client.path, "allowedIpRanges");
    const admitted = vaultRanges.map(parseIpRange).filter((r) => r !== undefined);
    const ipv4 = (client.allowedIpRanges ?? []).map(parseIpRange).filter((r) => r?.version === 4);
    if (ipv4.length === 0) {
        issues.add(joinPath(client.path, "readers"), unreachableReaders(client, vaultPath, from));
        return;
    }
    const outside = ipv4.filter((range) => !admitted.some((rule) => containsRange(rule!, range!))).map((r) => r!.cidr);
    if (outside.length > 0) {
        issues.add(
            from,
            `${outside.join(", ")} ${outside.length === 1 ? "is" : "are"} not admitted by the vault's firewall (${vaultPath}), so the readers could not fetch the certificate from there; ` +
                `add ${outside.length === 1 ? "it" : "them"} to the vault's allowed ranges (planVaultFirewall computes them for a whole stack).`,
        );
    }
}

function unreachableReaders(client: VaultClient, vaultPath: string, from: string): string {
    const ipv6Only = (client.allowedIpRanges ?? []).length > 0;
    return ipv6Only
        ? `the vault's firewall (${vaultPath}) admits IPv4 networks only, and ${from} lists IPv6 ranges alone, so the readers could not fetch the certificate; add the public IPv4 ranges they fetch from.`
        : `the vault's firewall (${vaultPath}) denies every network it does not list, and the readers fetch the certificate from the vendor's own; ` +
              `set ${from} to the vendor's public IPv4 egress ranges (the vault then admits them; sign-ins are pinned to them too, which needs a Workload Identities Premium licence), or remove ${vaultPath} to leave the vault reachable from every network (RBAC still decides who reads).`;
}
