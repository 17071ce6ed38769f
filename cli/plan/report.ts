import { redactUrl } from "../../components/url";
import type { ConnectionInventory, DefenseInventory } from "../../components/vendorConnection/inventory";
import { ENCRYPTED_WEBHOOK_PLACEHOLDER } from "./configFile";
import type { DeclaredResource } from "./offlineEngine";
import type { VaultFirewallPlan } from "../../components/vault/firewall";

/** What `npm run plan --json` prints: the shape is part of the product's interface. */
export interface PlanReport {
    at: string;
    /** The vault's firewall rules with the settings behind each; null when it admits every network. */
    vaultFirewall: VaultFirewallPlan | null;
    connections: PlannedConnection[];
}

/**
 * Rotation notices as planned: the webhook without its query, or null with `webhookEncrypted`
 * when the stack configuration holds it encrypted (the offline plan cannot decrypt it).
 */
export interface PlannedNotify {
    webhook: string | null;
    webhookEncrypted: boolean;
    events: string[];
}

/** The keys the plan has always printed come first and keep their shape (scripts read them); the defense-in-depth keys follow them. */
export interface PlannedConnection extends Omit<DefenseInventory, "notify"> {
    name: string;
    displayName: string;
    permissions: { api: string; role: string; broad: boolean }[];
    suspended: boolean;
    revokeIssuedBefore: string | null;
    nextRotation: string | null;
    certificates: { slot: string; identity: string; notBefore: string; notAfter: string; active: boolean }[];
    notify: PlannedNotify | null;
}

// What the inventory shows for the placeholder configFile.ts puts in place of an encrypted webhook.
const ENCRYPTED_WEBHOOK = redactUrl(ENCRYPTED_WEBHOOK_PLACEHOLDER);

/** Builds the report from the stack's `inventory` output, keeping only what a plan can know offline. */
export function planReport(at: string, inventory: Readonly<Record<string, ConnectionInventory>>, vaultFirewall: VaultFirewallPlan | null): PlanReport {
    return {
        at,
        vaultFirewall,
        connections: Object.entries(inventory).map(([name, c]) => ({
            name,
            displayName: c.displayName,
            permissions: c.permissions.map(({ api, role, broad }) => ({ api, role, broad })),
            suspended: c.suspended,
            revokeIssuedBefore: c.revokeIssuedBefore,
            nextRotation: c.nextRotation,
            // Thumbprints are left out: offline, no certificate is issued.
            certificates: c.certificates.map(({ slot, identity, notBefore, notAfter, active }) => ({ slot, identity, notBefore, notAfter, active })),
            credential: c.credential,
            allowedIpRanges: c.allowedIpRanges,
            notify: c.notify && plannedNotify(c.notify),
            sweep: c.sweep,
        })),
    };
}

function plannedNotify({ webhook, events }: NonNullable<DefenseInventory["notify"]>): PlannedNotify {
    const encrypted = webhook === ENCRYPTED_WEBHOOK;
    return { webhook: encrypted ? null : webhook, webhookEncrypted: encrypted, events };
}

/** The human-readable plan: one block per connection, then what the deploy declares. */
export function renderPlan(report: PlanReport, declared: readonly DeclaredResource[], source: string): string {
    const vaultKeys = report.connections.some((c) => c.credential.type === "vaultKey");
    const lines: string[] = [`Plan of ${source} for a deploy at ${report.at}`, "", ...vaultFirewallLines(report.vaultFirewall, vaultKeys), ""];
    for (const c of report.connections) {
        lines.push(`${c.name}: ${c.displayName}${c.suspended ? "  [SUSPENDED: no credential, sign-in disabled]" : ""}`);
        lines.push("  permissions:");
        for (const p of c.permissions) {
            lines.push(`    ${p.api} ${p.role}${p.broad ? "  [BROAD: tenant-wide access]" : ""}`);
        }
        if (c.revokeIssuedBefore) {
            lines.push(
                c.credential.type === "federated"
                    ? `  revocation: a federated credential trusted from before ${c.revokeIssuedBefore} is removed`
                    : `  revocation: every certificate issued before ${c.revokeIssuedBefore} is replaced, with no overlap`,
            );
        }
        lines.push(...defenseLines(c));
        if (c.credential.type !== "federated") {
            lines.push(...certificateLines(c));
        }
        lines.push("");
    }
    lines.push(`Declares ${declared.length} resources:`);
    const counts = new Map<string, number>();
    for (const r of declared) {
        counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    }
    lines.push(
        ...table(
            ["count", "type"],
            [...counts].map(([type, count]) => [String(count), type]),
        ).map((row) => `  ${row}`),
    );
    return lines.join("\n");
}

function vaultFirewallLines(firewall: VaultFirewallPlan | null, vaultKeys: boolean): string[] {
    if (!firewall) {
        return ["vault firewall: none (every network reaches the vault; RBAC decides who reads each secret or signs with each key)"];
    }
    const lines = [
        "vault firewall: denies every network except",
        ...table(
            ["range", "admitted for"],
            firewall.ipRules.map((r) => [r.range, r.from.join(", ")]),
        ).map((row) => `  ${row}`),
    ];
    for (const { range, from, reason } of firewall.notAdmitted) {
        lines.push(`  not admitted: ${range} (${from}): ${reason}`);
    }
    if (vaultKeys) {
        // ARM writes pass the firewall; a vault key's versions are made and enabled through the
        // data plane, which it filters.
        lines.push("  ALSO ADMIT the deploy runner's egress (in vault.allowedIpRanges): vault-key connections make, enable and disable their keys through the vault's data plane");
    }
    return lines;
}

function certificateLines(c: PlannedConnection): string[] {
    const lines: string[] = [];
    if (c.certificates.length === 0) {
        lines.push("  certificates: none");
    } else {
        lines.push("  certificates:");
        lines.push(
            ...table(
                ["slot", "not before", "not after", "state", "identity"],
                c.certificates.map((cert) => [cert.slot, cert.notBefore, cert.notAfter, certificateState(c, cert.active), cert.identity]),
            ).map((row) => `    ${row}`),
        );
    }
    lines.push(`  next rotation: ${c.nextRotation ?? "none (suspended)"}`);
    return lines;
}

function certificateState(c: PlannedConnection, active: boolean): string {
    if (c.credential.type === "vaultKey") {
        return active ? "active (newest enabled key version)" : "previous (overlap, still enabled)";
    }
    return active ? "active (in vault)" : "previous (overlap)";
}

const SWEEP_LINE: Record<PlannedConnection["sweep"], string> = {
    enforce: "enforce (each deploy removes credentials, permissions and owners the stack does not declare)",
    report: "REPORT-ONLY: each deploy lists what the stack does not declare, and removes nothing",
    off: "OFF: what is added outside the stack survives deploys",
};

const FEDERATED_STATE: Record<string, string> = {
    trusted: "registered",
    revoked: "REVOKED: removed; set credential.trustedFrom at or after the cutoff to trust it again",
    suspended: "removed while suspended",
};

/** The credential type, network pinning and rotation notices of one connection. */
function defenseLines(c: PlannedConnection): string[] {
    const lines: string[] = [];
    const { credential, allowedIpRanges, notify, sweep } = c;
    if (credential.type === "federated") {
        lines.push(`  credential: federated (no certificate, no vault secret)  [${FEDERATED_STATE[credential.state]}]`);
        lines.push(`    issuer ${credential.issuer}`, `    subject ${credential.subject}`, `    audience ${credential.audiences.join(", ")}`);
        lines.push(`    trusted from ${credential.trustedFrom}`);
    }
    if (credential.type === "vaultKey") {
        const protection = credential.hardwareProtected ? "RSA-HSM (HSM-protected)" : "RSA (software-protected)";
        lines.push(`  credential: vault key (private key never leaves Key Vault, not exportable; no vault secret)`);
        lines.push(`    key ${credential.keyName}: one new ${protection} version per certificate below, disabled when its certificate leaves`);
        lines.push(
            credential.signers.length === 0
                ? "    signers: none (no reader may sign with the key)"
                : `    signers: ${credential.signers.join(", ")} with the vault's key-signer role (keys/read, keys/sign/action) on key ${credential.keyName} only`,
        );
    }
    if (allowedIpRanges) {
        const mode = allowedIpRanges.state === "enabled" ? "blocked elsewhere" : "REPORT-ONLY: sign-ins elsewhere are logged, not blocked";
        lines.push(`  sign-in only from: ${allowedIpRanges.ranges.join(", ")}  [Conditional Access, ${mode}]`);
    }
    if (notify) {
        lines.push(
            `  rotation notices: ${notify.events.map((e) => e.replace("Microsoft.KeyVault.", "")).join(", ")} to ${notify.webhook ?? "(encrypted in the stack configuration)"}`,
        );
    }
    lines.push(`  sweep: ${SWEEP_LINE[sweep]}`);
    return lines;
}

function table(header: string[], rows: string[][]): string[] {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const format = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ");
    return [format(header), ...rows.map(format)];
}
