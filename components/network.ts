import { isIPv4, isIPv6 } from "node:net";
import { IssueCollector, joinPath } from "./errors";

/** An IP range as `address/prefix`, normalised so a single address gets its full-length prefix. */
export interface IpRange {
    readonly version: 4 | 6;
    readonly cidr: string;
}

/**
 * Parses `203.0.113.0/24`, `203.0.113.7` (a single address) or the IPv6 equivalents. Host bits
 * set beyond the prefix (`203.0.113.7/24`) are rejected rather than silently masked: such an
 * entry is usually a typo for a different range, and the services that consume it disagree on
 * whether to mask or refuse.
 */
export function parseIpRange(text: string): IpRange | undefined {
    const [address, prefixText, ...rest] = text.trim().split("/");
    if (rest.length > 0) {
        return undefined;
    }
    const version = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
    if (version === undefined) {
        return undefined;
    }
    const maxPrefix = version === 4 ? 32 : 128;
    if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) {
        return undefined;
    }
    const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
    if (prefix > maxPrefix) {
        return undefined;
    }
    const bits = version === 4 ? ipv4Bits(address) : ipv6Bits(address);
    if (bits.slice(prefix).includes("1")) {
        return undefined;
    }
    return { version, cidr: `${address.toLowerCase()}/${prefix}` };
}

function ipv4Bits(address: string): string {
    return address
        .split(".")
        .map((octet) => Number(octet).toString(2).padStart(8, "0"))
        .join("");
}

function ipv6Bits(address: string): string {
    const [head, tail] = address.includes("::") ? address.split("::") : [address, undefined];
    const groupsOf = (part: string | undefined) => (part ? part.split(":") : []);
    let headGroups = groupsOf(head);
    let tailGroups = groupsOf(tail);
    // An embedded IPv4 tail (::ffff:192.0.2.1) stands for the last two groups.
    const expandIpv4 = (groups: string[]) => {
        const last = groups[groups.length - 1];
        if (last !== undefined && last.includes(".")) {
            const v4 = ipv4Bits(last);
            return [...groups.slice(0, -1), parseInt(v4.slice(0, 16), 2).toString(16), parseInt(v4.slice(16), 2).toString(16)];
        }
        return groups;
    };
    if (tail === undefined) {
        headGroups = expandIpv4(headGroups);
    } else {
        tailGroups = expandIpv4(tailGroups);
    }
    const zeros = tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill("0");
    return [...headGroups, ...zeros, ...tailGroups].map((group) => parseInt(group, 16).toString(2).padStart(16, "0")).join("");
}

/** The prefix length of a parsed range: 24 for 203.0.113.0/24. */
export function prefixLength(range: IpRange): number {
    return Number(range.cidr.slice(range.cidr.lastIndexOf("/") + 1));
}

// Address space that never appears as a public source address on the internet: RFC 1918 (IPv4)
// and unique local addresses (RFC 4193, IPv6). A service that sees the caller's public egress
// address can never match such a range.
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"].map((cidr) => parseIpRange(cidr)!);

/** Whether `range` overlaps private address space (RFC 1918, or IPv6 unique local addresses). */
export function overlapsPrivateRange(range: IpRange): boolean {
    return PRIVATE_RANGES.some((other) => other.version === range.version && overlaps(range, other));
}

// Two CIDR ranges overlap exactly when they agree on the bits of the shorter prefix.
function overlaps(a: IpRange, b: IpRange): boolean {
    const shorter = Math.min(prefixLength(a), prefixLength(b));
    return networkBits(a).slice(0, shorter) === networkBits(b).slice(0, shorter);
}

/** Whether every address of `inner` lies in `outer` (same IP version, `outer` no narrower). */
export function containsRange(outer: IpRange, inner: IpRange): boolean {
    return outer.version === inner.version && prefixLength(outer) <= prefixLength(inner) && overlaps(outer, inner);
}

function networkBits(range: IpRange): string {
    const address = range.cidr.slice(0, range.cidr.lastIndexOf("/"));
    return range.version === 4 ? ipv4Bits(address) : ipv6Bits(address);
}

/** What a service accepts in a list of IP ranges, for checkIpRanges. */
export interface IpRangeRules {
    /** The service that consumes the ranges, as messages name it: "the Key Vault firewall". */
    readonly service: string;
    /** Whether IPv6 ranges are accepted. */
    readonly ipv6: boolean;
    /** The shortest prefix accepted (the widest range). Default: any. */
    readonly minPrefix?: number;
    /**
     * Why ranges wider than `minPrefix` are refused, when that is this library's rule rather than
     * the service's own limit. Default: the message says the service accepts no wider prefix.
     */
    readonly minPrefixReason?: string;
    /** Reject ranges in private address space. Default: false. */
    readonly publicOnly?: boolean;
    /** The most entries accepted. Default: no limit. */
    readonly maxEntries?: number;
    /** Why an empty list is refused, and what to do instead. */
    readonly whenEmpty: string;
}

/**
 * Checks a list of IP addresses / CIDR ranges for the service described by `rules`, adding an
 * issue per bad entry at `path[i]`, and returns them normalised to CIDR (undefined when no list was
 * given). The vault firewall and the Conditional Access named location both use it, so an entry is
 * judged the same way wherever it is written.
 */
export function checkIpRanges(entries: readonly unknown[] | undefined, path: string, issues: IssueCollector, rules: IpRangeRules): string[] | undefined {
    if (entries === undefined) {
        return undefined;
    }
    if (entries.length === 0) {
        issues.add(path, `is empty, ${rules.whenEmpty}`);
    }
    if (entries.length > (rules.maxEntries ?? Infinity)) {
        issues.add(path, `lists ${entries.length} ranges; ${rules.service} accepts at most ${rules.maxEntries}.`);
    }
    const example = rules.ipv6 ? "203.0.113.0/24 or 2001:db8::/48" : "203.0.113.0/24";
    return entries.map((entry, index) => {
        const entryPath = joinPath(path, index);
        const text = String(entry);
        const range = typeof entry === "string" ? parseIpRange(entry) : undefined;
        if (range === undefined) {
            issues.add(entryPath, `${JSON.stringify(entry)} is not an ${rules.ipv6 ? "IP" : "IPv4"} address or CIDR range; use e.g. ${example}.`);
            return text;
        }
        if (range.version === 6 && !rules.ipv6) {
            issues.add(entryPath, `${text} is IPv6; ${rules.service} accepts IPv4 addresses and ranges only.`);
        } else if (prefixLength(range) < (rules.minPrefix ?? 0)) {
            issues.add(
                entryPath,
                rules.minPrefixReason === undefined
                    ? `${text} is too wide; ${rules.service} accepts prefixes of /${rules.minPrefix} or longer.`
                    : `${text} is too wide; use prefixes of /${rules.minPrefix} or longer: ${rules.minPrefixReason}`,
            );
        } else if (rules.publicOnly && overlapsPrivateRange(range)) {
            issues.add(entryPath, `${text} is private address space; ${rules.service} sees only public source addresses, so list the public ranges the traffic leaves from.`);
        }
        return range.cidr;
    });
}
