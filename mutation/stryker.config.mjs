// @ts-check
// `npm run mutation`: StrykerJS over the pure modules that decide security outcomes (rotation
// windows and identities, instants, certificate, permission, network, vault and connection
// validation). Each group below pairs the files it mutates with the unit and property tests that
// exercise them; a mutant is judged by its own group's tests only (see mochaRunner.mjs). The
// simulator-driven property files (tests/rotation/invariants, federated, story) are left out:
// minutes per run, and what they would catch is pinned by the unit tests here.
// How to read the results, and the list of equivalent mutants: CONTRIBUTING.md, "Mutation testing".

import { fileURLToPath } from "node:url";

/** @type {{ mutate: string[], tests: string[] }[]} */
export const scope = [
    {
        mutate: ["components/rotation/", "components/time.ts"],
        tests: [
            "tests/rotation/cutoff.test.ts",
            "tests/rotation/duration.test.ts",
            "tests/rotation/policy.test.ts",
            "tests/rotation/schedule.test.ts",
            "tests/rotation/schedule.property.test.ts",
            "tests/time.test.ts",
        ],
    },
    {
        mutate: [
            "components/vendorConnection/validation.ts",
            "components/vendorConnection/federatedPlan.ts",
            "components/vendorConnection/credentialPlan.ts",
            "components/vendorConnection/vaultKeyPlan.ts",
            "components/keyVault/objectNames.ts",
            "components/vendorConnection/networkPolicyPlan.ts",
            "components/vendorConnection/notifyPlan.ts",
        ],
        tests: [
            "tests/vendorConnection/plan.test.ts",
            "tests/networkRules.test.ts",
            "tests/config/stackConfig.test.ts",
            "tests/config/defenseSettings.test.ts",
            "tests/vendorConnection/federated.test.ts",
            "tests/vendorConnection/networkPolicy.test.ts",
            "tests/vendorConnection/notify.test.ts",
            "tests/vendorConnection/vendorConnection.test.ts",
            "tests/vendorConnection/judgedOnce.test.ts",
            "tests/vendorConnection/vaultKey.test.ts",
            "tests/config/vaultKeySettings.test.ts",
        ],
    },
    {
        mutate: ["components/certificate/validate.ts", "components/certificate/limits.ts", "components/certificate/inputs.ts"],
        tests: ["tests/certificate/validate.test.ts", "tests/certificate/provider.test.ts"],
    },
    {
        mutate: ["components/permissions/"],
        tests: ["tests/permissions/catalog.test.ts", "tests/permissions/resolve.test.ts"],
    },
    {
        mutate: ["components/network.ts"],
        tests: ["tests/network.test.ts", "tests/networkRules.test.ts"],
    },
    {
        mutate: ["components/vault/validation.ts", "components/vault/firewall.ts"],
        tests: [
            "tests/vault/validation.test.ts",
            "tests/vault/firewall.test.ts",
            "tests/vault/firewallPlan.test.ts",
            "tests/vault/vendorsReachVault.test.ts",
            "tests/vault/vendorVault.test.ts",
            "tests/config/stackConfig.test.ts",
            "tests/config/defenseSettings.test.ts",
            "tests/config/vaultKeySettings.test.ts",
        ],
    },
];

/** A scope entry as Stryker's `mutate` globs: a folder ending in "/" means the TypeScript files under it. */
const globs = (entry) => (entry.endsWith("/") ? `${entry}**/*.ts` : entry);

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions & { mochaScope: unknown }} */
export default {
    plugins: ["./mutation/mochaRunner.mjs"],
    testRunner: "scoped-mocha",
    mochaScope: { root: fileURLToPath(new URL("..", import.meta.url)), require: ["ts-node/register/transpile-only"], scope },
    mutate: scope.flatMap((group) => group.mutate.map(globs)),
    coverageAnalysis: "perTest",
    // Two cores, shared with other work: one runner process per core, and Stryker's own process.
    concurrency: 2,
    // ts-node compiles each test file in the sandbox; type errors are npm test's business.
    disableTypeChecks: true,
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
    ignorePatterns: ["dist", "reports", "bench", "docs", "*.tgz", ".tmp"],
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: "reports/mutation/mutation.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: false },
    thresholds: { high: 95, low: 90, break: null },
    timeoutMS: 10000,
};
