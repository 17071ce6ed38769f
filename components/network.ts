import { isIPv4, isIPv6 } from "node:net";

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
    if (rest.length > 0 || address === undefined) {
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
    return [...headGroups, ...zeros, ...tailGroups]
        .map((group) => parseInt(group, 16).toString(2).padStart(16, "0"))
        .join("");
}
