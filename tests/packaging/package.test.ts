import * as assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as semver from "semver";
import { codeBlocks, markdownSection } from "../support/markdown";
import { ConsumerProject, REPOSITORY, addFile, addFixture, compile, createConsumerProject, findPackage, installedPackages, runProgram } from "./consumerProject";

// The package as consumers get it: `npm pack` of this repository, installed into a
// project of its own. `import { VendorConnection, VendorVault } from "vendor-connections"` must
// type-check against the shipped .d.ts files and run as plain JavaScript; the README's example
// must compile against the same package. Packing builds dist/ first (npm runs `prepack`). The
// Pulumi SDK and the provider SDKs are peer dependencies: the consumer installs its own, and its
// stack, the library and the providers must all load that one copy of @pulumi/pulumi.

/** The ```ts block of README section "## Importing into larger stacks". */
function readmeImportExample(): string {
    const [block] = codeBlocks(markdownSection("README.md", "Importing into larger stacks"), "ts");
    assert.ok(block, 'README section "Importing into larger stacks" has no ```ts example');
    return block;
}

describe("the packed package (npm pack), in a consumer project", function () {
    // Packing compiles the library; the consumer is type-checked twice: about 20 s in all here.
    this.timeout(120_000);
    let workspace: string;
    let project: ConsumerProject;

    before(async () => {
        workspace = mkdtempSync(join(tmpdir(), "vendor-connections-package-"));
        project = await createConsumerProject(workspace);
    });

    after(() => {
        rmSync(workspace, { recursive: true, force: true });
    });

    it("ships the library only: compiled JavaScript and type declarations, no stack program, tests or TypeScript sources", () => {
        const installed = join(project.root, "node_modules", "vendor-connections");
        const main = require.resolve(installed);
        assert.equal(main, join(installed, "dist", "index.js"));
        assert.ok(require.resolve(join(installed, "dist", "vendorConnection", "vendorConnection.js")));
        assert.throws(() => require.resolve(join(installed, "index.ts")), /Cannot find module/, "the example stack program is not in the package");
        // Every shipped module is the compiled form of a library source: nothing of cli/, of the
        // example stack or of an earlier build's leftovers (the build empties dist/ first).
        const shipped = readdirSync(join(installed, "dist"), { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".js"));
        assert.ok(shipped.length > 10);
        const strays = shipped.filter((file) => !existsSync(join(REPOSITORY, "components", file.replace(/\.js$/, ".ts"))));
        assert.deepEqual(strays, [], "dist/ holds modules no components/ source compiles to");
    });

    it("offers what a stack needs through its one entry, and no internal by package path beyond what the dynamic providers load", () => {
        const consumerRequire = createRequire(join(project.root, "package.json"));
        const surface = Object.keys(consumerRequire("vendor-connections")).sort();
        assert.deepEqual(surface, [
            "AllowedIpRangesState",
            "CredentialType",
            "DEPLOY_INSTANT_VARIABLE",
            "DeployerPrincipalType",
            "IssueCollector",
            "ValidationError",
            "VaultSku",
            "VendorConnection",
            "VendorVault",
            "defaultSecretName",
            "deployInstant",
            "expectedStateOf",
            "findWellKnownApi",
            "inventoryOf",
            "planConnection",
            "planVaultFirewall",
            "vaultReaderOf",
            "wellKnownApis",
        ]);
        const internals = [
            "vendor-connections/dist/vendorConnection/validation.js",
            "vendor-connections/dist/rotation/index.js",
            "vendor-connections/dist/index.js",
            // The runtimes' and the vendor helper's own modules: only their entries are exported.
            "vendor-connections/dist/sweep/providerModel.js",
            "vendor-connections/dist/vaultKey/runtime.js",
            "vendor-connections/dist/keyVault/vaultKeys.js",
            "vendor-connections/dist/providerRuntime.js",
        ];
        for (const internal of internals) {
            assert.throws(() => consumerRequire.resolve(internal), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" }, internal);
        }
        // Pulumi serializes the Certificate's provider with `require("vendor-connections/dist/...")`
        // of the modules it captures, and runs it from the consumer's project: those stay reachable.
        for (const providerModule of ["certificate/provider.js", "certificate/engine.js", "errors.js", "time.js"]) {
            assert.ok(consumerRequire.resolve(`vendor-connections/dist/${providerModule}`));
        }
        // The Sweep's and the vault-key resources' providers load their compiled runtimes by these
        // exported names, and the vendor imports its client-assertion helper by the last; each
        // loads with the Azure SDK packages the package declares, and no other.
        const entries: [string, string, string][] = [
            ["sweep-provider-runtime", "sweep/providerRuntime.js", "runSweep"],
            ["vault-key-provider-runtime", "vaultKey/providerRuntime.js", "createVaultKeyCertificate"],
            ["vendor", "vendor/clientAssertion.js", "keyVaultClientAssertion"],
        ];
        for (const [entry, file, exported] of entries) {
            const resolved = consumerRequire.resolve(`vendor-connections/${entry}`);
            assert.equal(resolved, join(project.root, "node_modules", "vendor-connections", "dist", ...file.split("/")));
            assert.equal(typeof consumerRequire(resolved)[exported], "function", `${entry} exports ${exported}`);
            assert.ok(existsSync(resolved.replace(/\.js$/, ".d.ts")), `${entry} has its types`);
        }
    });

    it("leaves the Pulumi SDKs to the consumer: peer dependencies, and one @pulumi/pulumi in its tree, the one the library and the providers resolve", () => {
        const { dependencies = {}, peerDependencies = {} } = project.packageJson;
        for (const sdk of ["@pulumi/pulumi", "@pulumi/azuread", "@pulumi/azure-native"]) {
            assert.equal(dependencies[sdk], undefined, `${sdk} is not a dependency of the package`);
            const own = project.consumerPackageJson.dependencies[sdk];
            assert.ok(semver.satisfies(own, peerDependencies[sdk] ?? "<0.0.0"), `the consumer's ${sdk} ${own} is in the package's peer range ${peerDependencies[sdk]}`);
        }

        const consumerSdk = findPackage("@pulumi/pulumi", project.root);
        const copies = installedPackages(project).filter((p) => p.name === "@pulumi/pulumi");
        assert.deepEqual(copies, [{ name: "@pulumi/pulumi", version: project.consumerPackageJson.dependencies["@pulumi/pulumi"], dir: consumerSdk }]);
        for (const requirer of ["vendor-connections", "@pulumi/azuread", "@pulumi/azure-native"]) {
            assert.equal(findPackage("@pulumi/pulumi", findPackage(requirer, project.root)!), consumerSdk, `${requirer} resolves the consumer's @pulumi/pulumi`);
        }
    });

    it("type-checks a consumer program against the package's .d.ts (exports) and runs it under mocks", async () => {
        addFixture(project, "main.ts");
        await compile(project, ["main.ts"], "node16", "out");
        const lines = (await runProgram(project, join("out", "main.js"))).trim().split("\n");
        const result = JSON.parse(lines[lines.length - 1]);

        assert.equal(result.vaultUri, "https://kv-consumer.vault.azure.net/");
        assert.equal(result.tenantId, "00000000-0000-4000-a000-000000000001");
        assert.equal(result.secretName, "backup-certificate");
        assert.equal(result.secretUri, "https://kv-consumer.vault.azure.net/secrets/backup-certificate");
        // The program ran on the consumer's SDK alone.
        assert.deepEqual(result.sdkCopies, [{ dir: findPackage("@pulumi/pulumi", project.root), version: project.consumerPackageJson.dependencies["@pulumi/pulumi"] }]);
        // The certificate was issued by the packaged dynamic provider after Pulumi serialized it.
        assert.equal(result.certificates.filter((c: { active: boolean }) => c.active).length, 1);
        assert.match(result.certificates[0].thumbprint, /^[0-9A-F]{40}$/i);
        assert.deepEqual(result.declared, [
            "azure-native:authorization:RoleAssignment",
            "azure-native:keyvault:Secret",
            "azure-native:keyvault:Vault",
            "azuread:index/appRoleAssignment:AppRoleAssignment",
            "azuread:index/application:Application",
            "azuread:index/applicationCertificate:ApplicationCertificate",
            "azuread:index/servicePrincipal:ServicePrincipal",
            "pulumi-nodejs:dynamic/vendor-connections:Certificate",
            "pulumi-nodejs:dynamic/vendor-connections:Sweep",
            "vendor-connections:index:VendorConnection",
            "vendor-connections:index:VendorVault",
        ]);
        // The sweep's provider finds its runtime by the package's exported name, from the project.
        assert.equal(result.sweepRuntime, join(project.root, "node_modules", "vendor-connections", "dist", "sweep", "providerRuntime.js"));
    });

    it("type-checks a vendor's import of the client-assertion helper by its exported name", async () => {
        addFile(
            project,
            "vendor.ts",
            `import { keyVaultClientAssertion } from "vendor-connections/vendor";
import type { TokenCredential } from "@azure/identity";
declare const credential: TokenCredential;
const assertion: (request?: { tokenEndpoint?: string }) => Promise<string> = keyVaultClientAssertion({
    keyId: "https://kv-vendors.vault.azure.net/keys/acme",
    clientId: "00000000-0000-4000-a000-00000000000a",
    tenantId: "00000000-0000-4000-a000-000000000001",
    credential,
});
export default assertion;
`,
        );
        await compile(project, ["vendor.ts"], "node16");
    });

    it("compiles the README's example against the package's main and types fields", async () => {
        addFile(project, "readmeExample.ts", readmeImportExample());
        await compile(project, ["readmeExample.ts"], "node10");
    });
});
