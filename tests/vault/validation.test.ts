import * as assert from "node:assert/strict";
import { IssueCollector } from "../../components/errors";
import { VaultReader, VaultSettings, checkVaultAdmits, planVaultFirewall, validateVaultSettings } from "../../components/vault";

// The vault's plain settings and its firewall plan, checked directly (pure and fast): what each
// refusal says and where, and which networks the firewall admits for whom. vendorsReachVault.test.ts
// and firewall.test.ts show the same rules through stack config and the components.

const collect = <T>(run: (issues: IssueCollector) => T) => {
    const issues = new IssueCollector();
    const result = run(issues);
    return { result, issues: issues.issues.map((i) => `${i.path}: ${i.message}`) };
};
const settings = (given: VaultSettings) => collect((issues) => validateVaultSettings(given, "vault", issues, "name"));

describe("vault settings", () => {
    it("a Key Vault name: 3-24 letters, digits and hyphens, a letter first, no hyphen last, none doubled", () => {
        for (const name of ["kv1", "kv-vendors-prod", `k${"v".repeat(23)}`]) {
            assert.deepEqual(settings({ vaultName: name }).issues, [], name);
        }
        for (const name of ["kv", `k${"v".repeat(24)}`, "1kv", "kv-", "kv-vendors--prod", "kv-vendors!", "kv_vendors"]) {
            assert.deepEqual(
                settings({ vaultName: name }).issues,
                [
                    `vault.name: ${JSON.stringify(name)} is not a valid Key Vault name; use 3-24 letters, digits and hyphens, starting with a letter, ending with a letter or digit, without consecutive hyphens.`,
                ],
                name,
            );
        }
    });

    it("soft-delete retention: whole days from 7 to 90, 90 by default", () => {
        assert.equal(settings({}).result.softDeleteRetentionInDays, 90);
        for (const days of [7, 90]) {
            assert.deepEqual(settings({ softDeleteRetentionInDays: days }), { result: { ...settings({}).result, softDeleteRetentionInDays: days }, issues: [] });
        }
        for (const days of [6, 91, 30.5]) {
            assert.deepEqual(settings({ softDeleteRetentionInDays: days }).issues, [
                `vault.softDeleteRetentionInDays: ${days} is not allowed; use a whole number of days from 7 to 90.`,
            ]);
        }
    });

    it("an empty allowedIpRanges would deny every network; a new resource group needs a location", () => {
        assert.deepEqual(settings({ allowedIpRanges: [], createResourceGroup: true }).issues, [
            "vault.allowedIpRanges: is empty, which would deny every network; omit it to leave the vault reachable from all networks (access still needs RBAC), or list the ranges to allow.",
            "vault.location: is required when createResourceGroup is true: the new resource group needs a region.",
        ]);
        assert.deepEqual(settings({ allowedIpRanges: ["203.0.113.7"], createResourceGroup: true, location: "westeurope" }).result.allowedIpRanges, ["203.0.113.7/32"]);
    });
});

describe("vault firewall plan", () => {
    const reader = (path: string, overrides: Partial<VaultReader> = {}): VaultReader => ({
        path,
        readersUse: "certificate",
        readers: 1,
        allowedIpRanges: undefined,
        readerIpRanges: undefined,
        ...overrides,
    });
    const IPV6_NOTE = "Key Vault's firewall admits IPv4 only; this range still limits where the vendor may sign in from";
    const unreachable = (path: string) =>
        `${path}.readers: the vault's firewall (vault.allowedIpRanges) denies every network it does not list, and the readers fetch the certificate from the vendor's own; ` +
        `set ${path}.readerIpRanges to the public IPv4 ranges they fetch from (or ${path}.allowedIpRanges, which also pins the vendor's sign-ins to them and needs a Workload Identities Premium licence), ` +
        `or remove vault.allowedIpRanges to leave the vault reachable from every network (RBAC still decides who reads).`;

    it("no vault ranges: no firewall, nothing to merge", () => {
        assert.deepEqual(
            collect((issues) => planVaultFirewall(undefined, "vault.allowedIpRanges", [reader("connections.acme")], issues)),
            { result: undefined, issues: [] },
        );
    });

    it("admits the vault's ranges and each reading connection's networks, naming every setting that asks for a range", () => {
        const readers = [
            reader("connections.acme", { allowedIpRanges: ["198.51.100.0/24", "2001:db8::/48"] }),
            reader("connections.beta", { readers: 2, allowedIpRanges: ["192.0.2.0/24"], readerIpRanges: ["203.0.113.0/24", "198.51.100.0/24"] }),
            // Federated (no certificate) and certificate connections without readers read nothing.
            reader("connections.fed", { readersUse: undefined, allowedIpRanges: ["100.64.0.0/10"] }),
            reader("connections.idle", { readers: 0, allowedIpRanges: ["100.64.0.0/10"] }),
        ];
        assert.deepEqual(
            collect((issues) => planVaultFirewall(["203.0.113.0/24"], "vault.allowedIpRanges", readers, issues)),
            {
                result: {
                    ipRules: [
                        { range: "203.0.113.0/24", from: ["vault.allowedIpRanges", "connections.beta.readerIpRanges"] },
                        { range: "198.51.100.0/24", from: ["connections.acme.allowedIpRanges", "connections.beta.readerIpRanges"] },
                    ],
                    notAdmitted: [{ range: "2001:db8::/48", from: "connections.acme.allowedIpRanges", reason: IPV6_NOTE }],
                },
                issues: [],
            },
        );
    });

    it("a reading connection that names no IPv4 network is refused at its readers, saying what to set", () => {
        const { issues } = collect((collector) =>
            planVaultFirewall(
                ["203.0.113.0/24"],
                "vault.allowedIpRanges",
                [reader("connections.acme"), reader("connections.v6", { allowedIpRanges: ["2001:db8::/48"] })],
                collector,
            ),
        );
        assert.deepEqual(issues, [
            unreachable("connections.acme"),
            `connections.v6.readers: the vault's firewall (vault.allowedIpRanges) admits IPv4 networks only, and connections.v6.allowedIpRanges lists IPv6 ranges alone, so the readers could not fetch the certificate; ` +
                `set connections.v6.readerIpRanges to the public IPv4 ranges they fetch from.`,
        ]);
    });

    it("a vault whose ranges are fixed must admit each of the connection's reader networks", () => {
        const admits = (vaultRanges: string[] | undefined, overrides: Partial<VaultReader>) =>
            collect((issues) => checkVaultAdmits(vaultRanges, "vault.allowedIpRanges", reader("connections.acme", overrides), issues)).issues;
        assert.deepEqual(admits(["203.0.113.0/24"], { readerIpRanges: ["203.0.113.128/25"] }), []);
        assert.deepEqual(admits(["203.0.113.0/24", "198.51.100.0/24"], { readerIpRanges: ["198.51.100.0/25", "203.0.113.7"] }), [], "each inside one of the vault's ranges");
        assert.deepEqual(admits(undefined, { readerIpRanges: ["198.51.100.0/24"] }), [], "no firewall");
        assert.deepEqual(admits(["203.0.113.0/24"], { readers: 0, readerIpRanges: ["198.51.100.0/24"] }), [], "no readers");
        assert.deepEqual(admits(["203.0.113.0/24"], { allowedIpRanges: ["198.51.100.0/24"] }), [
            `connections.acme.allowedIpRanges: 198.51.100.0/24 is not admitted by the vault's firewall (vault.allowedIpRanges), so the readers could not fetch the certificate from there; ` +
                `add it to the vault's allowed ranges (planVaultFirewall computes them for a whole stack).`,
        ]);
        assert.deepEqual(admits(["203.0.113.0/24"], { readerIpRanges: ["198.51.100.0/24", "203.0.112.0/23"] }), [
            `connections.acme.readerIpRanges: 198.51.100.0/24, 203.0.112.0/23 are not admitted by the vault's firewall (vault.allowedIpRanges), so the readers could not fetch the certificate from there; ` +
                `add them to the vault's allowed ranges (planVaultFirewall computes them for a whole stack).`,
        ]);
        assert.deepEqual(admits(["203.0.113.0/24"], {}), [unreachable("connections.acme")]);
        // A vault-key connection's readers sign there: the messages say so.
        assert.deepEqual(admits(["203.0.113.0/24"], { readersUse: "key", readerIpRanges: ["198.51.100.0/24"] }), [
            `connections.acme.readerIpRanges: 198.51.100.0/24 is not admitted by the vault's firewall (vault.allowedIpRanges), so the readers could not sign with the key from there; ` +
                `add it to the vault's allowed ranges (planVaultFirewall computes them for a whole stack).`,
        ]);
        assert.match(admits(["203.0.113.0/24"], { readersUse: "key" })[0], /denies every network it does not list, and the readers sign with the key from the vendor's own; /);
        assert.deepEqual(admits(["203.0.113.0/24"], { readersUse: undefined }), [], "a federated connection's readers never reach the vault");
    });
});
