import * as pulumi from "@pulumi/pulumi";
import { IssueCollector, joinPath } from "../errors";

// Which resources a connection declares is decided from plain values alone, when the program runs
// (docs/architecture.md#pieces-and-flow). TypeScript's types keep outputs out of those arguments;
// a program in another language sends its arguments through Pulumi's engine, where a value that
// came from another resource, or was marked secret, arrives as an output instead. Such a value is
// named here, rather than judged as if it were the value it will become.

/** The arguments of VendorConnection that must be plain values, with `vault.allowedIpRanges`. */
const PLAIN_ARGUMENTS = [
    "permissions",
    "grantConsent",
    "certificate",
    "revokeIssuedBefore",
    "suspended",
    "secretName",
    "readers",
    "credential",
    "allowedIpRanges",
    "allowedIpRangesState",
    "readerIpRanges",
    "notify",
    "now",
] as const;

/** Adds an issue for each plain argument of `args` that holds an output (or a promise), at the output's path. */
export function checkPlainArguments(args: Readonly<Record<string, unknown>>, issues: IssueCollector): void {
    for (const key of PLAIN_ARGUMENTS) {
        findUnknown(args[key], key, issues);
    }
    const vault = args.vault;
    if (vault !== null && typeof vault === "object" && !pulumi.Output.isInstance(vault)) {
        findUnknown((vault as Record<string, unknown>).allowedIpRanges, "vault.allowedIpRanges", issues);
    }
}

function findUnknown(value: unknown, path: string, issues: IssueCollector): void {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) {
        issues.add(
            path,
            "is an output, known only as the deploy runs (a value from another resource, or a secret); give it as a plain value: " +
                "it decides which resources the connection declares.",
        );
    } else if (Array.isArray(value)) {
        value.forEach((item, index) => findUnknown(item, joinPath(path, index), issues));
    } else if (value !== null && typeof value === "object" && !(value instanceof Date)) {
        for (const [key, item] of Object.entries(value)) {
            findUnknown(item, joinPath(path, key), issues);
        }
    }
}
