// A stack as a consumer would write it, run by oldestSdk.test.ts in a child process whose
// @pulumi/pulumi is the oldest SDK version package.json's peerDependencies accept (useSdk.js makes
// every module resolve that copy). Under Pulumi's mocks it declares a VendorVault and two
// VendorConnections that between them use every option that declares resources or invokes, the
// certificates issued by the dynamic provider that SDK serialized, then prints one JSON line: the
// SDK copies this process loaded, who required the SDK, and what was registered (no key material).
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks } from "../support/mocks";
import { settle } from "../support/settle";

const hook: { requests: { request: string; from: string; resolved: string }[] } = require("./useSdk.js");

/** The name, version and directory of the package a file belongs to. */
function packageOf(file: string): { name: string; version: string; dir: string } | undefined {
    for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
        try {
            const { name, version } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
            if (typeof name === "string") {
                return { name, version, dir };
            }
        } catch {
            // No package.json here (or not one that names a package): look further up.
        }
    }
    return undefined;
}

/** An output's value (every output read here is known: mocks answer as a deploy would). */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

const projectRoot = resolve(__dirname, "..", "..");

/** Who required a module: this repository's top folder (components, tests) or the package's name. */
function requesterOf(file: string): string {
    const inProject = relative(projectRoot, file);
    if (!inProject.startsWith("..") && !inProject.startsWith(`node_modules${sep}`)) {
        return inProject.split(sep)[0];
    }
    return packageOf(file)?.name ?? file;
}

async function main(): Promise<void> {
    const mocks = new RecordingMocks({ dynamic: "real" });
    await pulumi.runtime.setMocks(mocks, "vendor-connections", "oldest-sdk");
    const { VendorConnection, VendorVault } = await import("../../components");

    const vault = new VendorVault("vendors", {
        resourceGroupName: "rg-vendors",
        createResourceGroup: true,
        location: "westeurope",
        vaultName: "kv-vendors",
        // The operators' network and the backup vendor's, so its readers reach the vault.
        allowedIpRanges: ["203.0.113.0/24", "198.51.100.0/24"],
        auditLogWorkspaceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/audit",
        eventNotifications: true,
    });
    const backup = new VendorConnection("backup", {
        permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }],
        certificate: { lifetime: "P14D" },
        readers: ["2c9e8d7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f"],
        allowedIpRanges: ["198.51.100.0/24"],
        notify: { webhookUrl: "https://hooks.vendor.example/rotated" },
        vault,
        now: "2026-12-01T09:00:00Z",
    });
    new VendorConnection("archive", {
        permissions: [{ api: "MicrosoftGraph", roles: ["Mail.Read"] }],
        credential: { type: "federated", issuer: "https://token.vendor.example", subject: "archive-workload", trustedFrom: "2026-11-01T00:00:00Z" },
        now: "2026-12-01T09:00:00Z",
    });
    await settle();
    const [secretUri, certificates] = await Promise.all([valueOf(backup.secretUri), valueOf(backup.certificates)]);

    const sdkCopies = new Map<string, string>();
    for (const file of Object.keys(require.cache)) {
        const owner = packageOf(file);
        if (owner?.name === "@pulumi/pulumi") {
            sdkCopies.set(owner.dir, owner.version);
        }
    }
    console.log(
        JSON.stringify({
            sdkCopies: [...sdkCopies].map(([dir, version]) => ({ dir, version })),
            requesters: [...new Set(hook.requests.map((r) => requesterOf(r.from)))].sort(),
            resolvedOutside: hook.requests.filter((r) => packageOf(r.resolved)?.name !== "@pulumi/pulumi").map((r) => r.resolved),
            resources: mocks.resources.map((r) => `${r.type} ${r.name}`).sort(),
            invokes: [...new Set(mocks.invokes.map((i) => i.token))].sort(),
            secretUri,
            certificates: certificates.map((c) => ({ slot: c.slot, active: c.active, thumbprint: c.thumbprint, notBefore: c.notBefore, notAfter: c.notAfter })),
        }),
    );
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
});
