import type { ConnectionInventory } from "../vendorConnection/inventory";
import type { DeclaredResource } from "./offlineEngine";

/** What `npm run plan --json` prints: the shape is part of the product's interface. */
export interface PlanReport {
    at: string;
    connections: PlannedConnection[];
}

export interface PlannedConnection {
    name: string;
    displayName: string;
    permissions: { api: string; role: string; broad: boolean }[];
    suspended: boolean;
    revokeIssuedBefore: string | null;
    nextRotation: string | null;
    certificates: { slot: string; identity: string; notBefore: string; notAfter: string; active: boolean }[];
}

/** Builds the report from the stack's `inventory` output, keeping only what a plan can know offline. */
export function planReport(at: string, inventory: Readonly<Record<string, ConnectionInventory>>): PlanReport {
    return {
        at,
        connections: Object.entries(inventory).map(([name, c]) => ({
            name,
            displayName: c.displayName,
            permissions: c.permissions.map(({ api, role, broad }) => ({ api, role, broad })),
            suspended: c.suspended,
            revokeIssuedBefore: c.revokeIssuedBefore,
            nextRotation: c.nextRotation,
            // Thumbprints are left out: offline, no certificate is issued.
            certificates: c.certificates.map(({ slot, identity, notBefore, notAfter, active }) => ({ slot, identity, notBefore, notAfter, active })),
        })),
    };
}

/** The human-readable plan: one block per connection, then what the deploy declares. */
export function renderPlan(report: PlanReport, declared: readonly DeclaredResource[], source: string): string {
    const lines: string[] = [`Plan of ${source} for a deploy at ${report.at}`, ""];
    for (const c of report.connections) {
        lines.push(`${c.name}: ${c.displayName}${c.suspended ? "  [SUSPENDED: no credential, sign-in disabled]" : ""}`);
        lines.push("  permissions:");
        for (const p of c.permissions) {
            lines.push(`    ${p.api} ${p.role}${p.broad ? "  [BROAD: tenant-wide access]" : ""}`);
        }
        if (c.revokeIssuedBefore) {
            lines.push(`  revocation: every certificate issued before ${c.revokeIssuedBefore} is replaced, with no overlap`);
        }
        if (c.certificates.length === 0) {
            lines.push("  certificates: none");
        } else {
            lines.push("  certificates:");
            lines.push(...table(["slot", "not before", "not after", "state", "identity"], c.certificates.map((cert) => [
                cert.slot,
                cert.notBefore,
                cert.notAfter,
                cert.active ? "active (in vault)" : "previous (overlap)",
                cert.identity,
            ])).map((row) => `    ${row}`));
        }
        lines.push(`  next rotation: ${c.nextRotation ?? "none (suspended)"}`);
        lines.push("");
    }
    lines.push(`Declares ${declared.length} resources:`);
    const counts = new Map<string, number>();
    for (const r of declared) {
        counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    }
    lines.push(...table(["count", "type"], [...counts].map(([type, count]) => [String(count), type])).map((row) => `  ${row}`));
    return lines.join("\n");
}

function table(header: string[], rows: string[][]): string[] {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const format = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join("  ");
    return [format(header), ...rows.map(format)];
}
