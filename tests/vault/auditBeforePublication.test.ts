import * as assert from "node:assert/strict";
import { CERTIFICATE_TYPE, DeploySimulator, fakeCertificateIssuer } from "../simulator";
import { GRAPH_USER_READ, T } from "../vendorConnection/support";

// With an audit log, a VendorVault's connections publish their secrets and grant their readers only
// once the vault's AuditEvent diagnostic setting exists: no read of a vendor's certificate can happen
// before reads are logged. A dependency says so; under the simulator's engine-like interleavings,
// program order would not.

const AT = new Date("2026-12-01T09:00:00Z");
const DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting";
const READER = "44444444-4444-4444-a444-444444444444";

describe("VendorVault with an audit log", function () {
    this.timeout(120_000);

    for (const audited of [true, false]) {
        it(`${audited ? "orders" : "without one, does not tie"} the connection's secret and reader grant ${audited ? "after" : "to"} the audit setting, at every seed`, async () => {
            const { VendorConnection, VendorVault } = await import("../../components");
            for (const seed of [0, 1, 2, 3]) {
                const sim = new DeploySimulator({ project: "vendor-connections", seed, issuers: { [CERTIFICATE_TYPE]: fakeCertificateIssuer() } });
                const run = await sim.up(AT, () => {
                    const vault = new VendorVault("vendors", {
                        resourceGroupName: "rg",
                        location: "westeurope",
                        vaultName: "kv-vendors",
                        ...(audited ? { auditLogWorkspaceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/audit" } : {}),
                    });
                    new VendorConnection("acme", { permissions: GRAPH_USER_READ, readers: [READER], vault, now: AT.toISOString() });
                });
                assert.ok(run.ok, run.error?.message);
                const audit = run.registered.find((r) => r.type === DIAGNOSTIC_SETTING);
                assert.equal(audit !== undefined, audited);
                const step = (type: string) => run.operations.find((o) => o.type === type)!.step;
                for (const type of [T.secret, T.roleAssignment]) {
                    const registered = run.registered.find((r) => r.type === type)!;
                    if (audit) {
                        assert.ok(registered.dependencies.includes(audit.key), `${type} does not depend on the audit setting`);
                        assert.ok(step(type) > step(DIAGNOSTIC_SETTING), `seed ${seed}: ${type} ran before the audit setting`);
                    } else {
                        assert.ok(!registered.dependencies.some((d) => d.includes(DIAGNOSTIC_SETTING)));
                    }
                }
            }
        });
    }
});
