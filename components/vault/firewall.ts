import { IssueCollector, joinPath } from "../errors";
import { IpRange, containsRange, parseIpRange } from "../network";

// A vault with `allowedIpRanges` denies every other network (defaultAction Deny). ARM writes
// bypass that firewall, so a deploy succeeds either way, but a vendor's reader fetches its
// certificate from the vendor's own network, through the vault's data plane, which the firewall
// does filter (https://learn.microsoft.com/azure/key-vault/general/network-security). A vendor
// whose network the vault does not admit would find its secret out of reach, long after the deploy.
//
// The vault therefore admits, besides its own ranges, the networks every certificate connection
// with readers reads from: its `readerIpRanges`, or by default the IPv4 ranges of its
// `allowedIpRanges`, the networks the vendor signs in from. Merging rather than asking for the
// ranges twice keeps one list per vendor, so a vendor's new egress range cannot reach its sign-in
// policy and miss its vault. `readerIpRanges` is there for vendors whose readers fetch from other
// networks than they sign in from, and for tenants without the Conditional Access licence that
// `allowedIpRanges` needs. Key Vault's firewall takes IPv4 only: IPv6 sign-in ranges still pin the
// sign-ins, and are reported as not admitted.

/** A connection as the vault firewall sees it: where its settings are, and the networks it names. */
export interface VaultReader {
    /** Where the connection's settings sit in the caller's terms (`connections.acme`, or `` for component arguments). */
    readonly path: string;
    /**
     * What the connection's readers reach the vault for: to fetch its `certificate`, or to sign with
     * its vault `key`. Undefined when they do not (a federated connection keeps nothing there).
     */
    readonly readersUse: ReaderUse | undefined;
    /** How many vendor identities read the certificate. */
    readonly readers: number;
    /** The connection's sign-in `allowedIpRanges`, normalised to CIDR; undefined when it names none. */
    readonly allowedIpRanges: readonly string[] | undefined;
    /** The connection's `readerIpRanges` (IPv4, CIDR); undefined when it names none. */
    readonly readerIpRanges: readonly string[] | undefined;
}

/** What readers do in the vault: fetch a certificate from its secret, or sign with its key. */
export type ReaderUse = "certificate" | "key";

/** How messages say what readers do, by what they reach the vault for. */
const READERS_DO: Readonly<Record<ReaderUse, string>> = { certificate: "fetch the certificate", key: "sign with the key" };

/** One rule of the vault firewall and the settings that ask for it. */
export interface VaultIpRule {
    readonly range: string;
    /** Config paths (or argument names) whose lists hold this range. */
    readonly from: readonly string[];
}

/** The vault firewall a deploy declares: what it admits, and the vendor ranges it cannot admit. */
export interface VaultFirewallPlan {
    readonly ipRules: readonly VaultIpRule[];
    /** Vendor IPv6 sign-in ranges, which Key Vault's firewall cannot take: they pin sign-ins only. */
    readonly notAdmitted: readonly { readonly range: string; readonly from: string; readonly reason: string }[];
}

const IPV6_NOT_ADMITTED = "Key Vault's firewall admits IPv4 only; this range still limits where the vendor may sign in from";

/** The networks a connection's readers fetch from, with the setting that names them. */
interface ReaderNetworks {
    readonly from: string;
    readonly ipv4: readonly IpRange[];
    /** IPv6 sign-in ranges that default reader networks cannot include. */
    readonly ipv6: readonly IpRange[];
}

function readerNetworks(reader: VaultReader): ReaderNetworks {
    const parse = (ranges: readonly string[] | undefined) => (ranges ?? []).map(parseIpRange).filter((r): r is IpRange => r !== undefined);
    if (reader.readerIpRanges !== undefined) {
        return { from: joinPath(reader.path, "readerIpRanges"), ipv4: parse(reader.readerIpRanges).filter((r) => r.version === 4), ipv6: [] };
    }
    const signIn = parse(reader.allowedIpRanges);
    return { from: joinPath(reader.path, "allowedIpRanges"), ipv4: signIn.filter((r) => r.version === 4), ipv6: signIn.filter((r) => r.version === 6) };
}

/** Whether the vault holds a certificate that vendor identities read, so their networks matter. */
function readsFromVault(reader: VaultReader): boolean {
    return reader.readersUse !== undefined && reader.readers > 0;
}

/**
 * The rules of a vault firewall: `vaultRanges` (at `vaultPath`, normalised) plus the reader
 * networks of every certificate connection with readers. Undefined when the vault has no firewall
 * (it then admits every network and nothing needs merging). A connection whose readers the firewall
 * would still block, because it names no IPv4 range, is an issue at its readers.
 */
export function planVaultFirewall(
    vaultRanges: readonly string[] | undefined,
    vaultPath: string,
    readers: readonly VaultReader[],
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
    for (const reader of readers.filter(readsFromVault)) {
        const networks = readerNetworks(reader);
        for (const range of networks.ipv4) {
            admit(range.cidr, networks.from);
        }
        for (const range of networks.ipv6) {
            notAdmitted.push({ range: range.cidr, from: networks.from, reason: IPV6_NOT_ADMITTED });
        }
        if (networks.ipv4.length === 0) {
            issues.add(joinPath(reader.path, "readers"), unreachableReaders(reader, vaultPath));
        }
    }
    return { ipRules: [...rules].map(([range, sources]) => ({ range, from: sources })), notAdmitted };
}

/**
 * For a connection given a vault whose firewall rules are fixed (component arguments): an issue when
 * its readers' IPv4 networks are not all admitted by `vaultRanges`.
 */
export function checkVaultAdmits(vaultRanges: readonly string[] | undefined, vaultPath: string, reader: VaultReader, issues: IssueCollector): void {
    if (vaultRanges === undefined || !readsFromVault(reader)) {
        return;
    }
    const networks = readerNetworks(reader);
    if (networks.ipv4.length === 0) {
        issues.add(joinPath(reader.path, "readers"), unreachableReaders(reader, vaultPath));
        return;
    }
    const admitted = vaultRanges.map(parseIpRange).filter((r): r is IpRange => r !== undefined);
    const outside = networks.ipv4.filter((range) => !admitted.some((rule) => containsRange(rule, range))).map((r) => r.cidr);
    if (outside.length > 0) {
        issues.add(
            networks.from,
            `${outside.join(", ")} ${outside.length === 1 ? "is" : "are"} not admitted by the vault's firewall (${vaultPath}), so the readers could not ${READERS_DO[reader.readersUse!]} from there; ` +
                `add ${outside.length === 1 ? "it" : "them"} to the vault's allowed ranges (planVaultFirewall computes them for a whole stack).`,
        );
    }
}

function unreachableReaders(reader: VaultReader, vaultPath: string): string {
    const readerRanges = joinPath(reader.path, "readerIpRanges");
    const signIn = joinPath(reader.path, "allowedIpRanges");
    const ipv6Only = (reader.allowedIpRanges ?? []).length > 0;
    const does = READERS_DO[reader.readersUse!];
    return ipv6Only
        ? `the vault's firewall (${vaultPath}) admits IPv4 networks only, and ${signIn} lists IPv6 ranges alone, so the readers could not ${does}; ` +
              `set ${readerRanges} to the public IPv4 ranges they fetch from.`
        : `the vault's firewall (${vaultPath}) denies every network it does not list, and the readers ${does} from the vendor's own; ` +
              `set ${readerRanges} to the public IPv4 ranges they fetch from (or ${signIn}, which also pins the vendor's sign-ins to them and needs a Workload Identities Premium licence), ` +
              `or remove ${vaultPath} to leave the vault reachable from every network (RBAC still decides who reads).`;
}
