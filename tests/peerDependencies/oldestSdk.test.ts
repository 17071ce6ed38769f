import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import * as semver from "semver";
import { planLoaderArgs, projectRoot } from "../support/planProcess";

// @pulumi/pulumi is a peer dependency: the consumer's stack brings the SDK, in any version the
// range accepts. The range starts at the oldest SDK that @pulumi/azuread and @pulumi/azure-native
// themselves accept (the declarations of their `...Output` invokes, which the components call,
// use InvokeOutputOptions, new in 3.141); the library's own use of the SDK is older. That one is
// installed here under another name (the devDependency pulumi-sdk-oldest, from package-lock.json
// like everything else), and the library runs and type-checks against it in child processes where
// every `@pulumi/pulumi` resolves to that copy. Every other test uses the development copy.

const run = promisify(execFile);

const ALIAS = "pulumi-sdk-oldest";
const aliasDir = join(projectRoot, "node_modules", ALIAS);
const manifest = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8"));
const peerRange: string = manifest.peerDependencies?.["@pulumi/pulumi"];

function versionOf(packageDir: string): string {
    return JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).version;
}

interface ProgramReport {
    sdkCopies: { dir: string; version: string }[];
    requesters: string[];
    resolvedOutside: string[];
    resources: string[];
    invokes: string[];
    secretUri: string;
    certificates: { slot: string; active: boolean; thumbprint: string; notBefore: string; notAfter: string }[];
}

describe("the oldest @pulumi/pulumi that the peer dependency range accepts", function () {
    // Both child processes start at once: about 2 s for the program and 5 s for the type-check here.
    this.timeout(120_000);
    let program: Promise<ProgramReport>;
    let typeCheck: Promise<unknown>;

    before(() => {
        const env = { ...process.env, VENDOR_CONNECTIONS_PULUMI_SDK: aliasDir };
        const args = ["-r", join(__dirname, "useSdk.js"), ...planLoaderArgs(), join(__dirname, "oldestSdkProgram.ts")];
        program = run(process.execPath, args, { cwd: projectRoot, env, maxBuffer: 16 * 1024 * 1024 }).then(({ stdout }) => {
            const lines = stdout.trim().split("\n");
            return JSON.parse(lines[lines.length - 1]) as ProgramReport;
        });
        const tsc = require.resolve("typescript/bin/tsc");
        typeCheck = run(process.execPath, [tsc, "-p", join(__dirname, "tsconfig.oldestSdk.json")], { cwd: projectRoot, maxBuffer: 16 * 1024 * 1024 }).catch(
            (err: { stdout?: string; message: string }) => {
                throw new Error(`the library does not type-check against @pulumi/pulumi ${versionOf(aliasDir)}:\n${err.stdout || err.message}`);
            },
        );
        // Each test awaits its own; neither is left unhandled meanwhile.
        program.catch(() => undefined);
        typeCheck.catch(() => undefined);
    });

    it("is the lower bound of the peer range, installed as the devDependency pulumi-sdk-oldest, and what both providers accept", () => {
        assert.equal(manifest.dependencies?.["@pulumi/pulumi"], undefined, "@pulumi/pulumi is not a dependency: the consumer's copy is used");
        const oldest = semver.minVersion(peerRange)?.version;
        assert.ok(oldest, `peerDependencies @pulumi/pulumi ${peerRange} has a lower bound`);
        assert.equal(manifest.devDependencies[ALIAS], `npm:@pulumi/pulumi@${oldest}`);
        assert.equal(versionOf(aliasDir), oldest);
        assert.ok(!semver.satisfies("4.0.0", peerRange), `${peerRange} stops before the next major version`);
        const development = versionOf(join(projectRoot, "node_modules", "@pulumi", "pulumi"));
        assert.ok(semver.satisfies(development, peerRange), `the development copy ${development} is in ${peerRange}`);
        // npm gives a provider the consumer's SDK only if it is in the provider's own range;
        // otherwise it installs another copy under the provider.
        for (const provider of ["@pulumi/azuread", "@pulumi/azure-native"]) {
            const required = JSON.parse(readFileSync(join(projectRoot, "node_modules", provider, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];
            assert.ok(semver.subset(peerRange, required), `${provider} requires @pulumi/pulumi ${required}, which does not hold all of ${peerRange}`);
        }
    });

    it("runs a VendorVault and VendorConnections under mocks with that SDK as the only copy, loaded by the library and both providers", async () => {
        const report = await program;
        // Read from the package.json of every SDK module the child loaded, not from what it asked for.
        assert.deepEqual(report.sdkCopies, [{ dir: realpathSync(aliasDir), version: semver.minVersion(peerRange)?.version }]);
        assert.deepEqual(report.resolvedOutside, []);
        for (const requester of ["components", "@pulumi/azuread", "@pulumi/azure-native"]) {
            assert.ok(report.requesters.includes(requester), `${requester} required the SDK (requesters: ${report.requesters.join(", ")})`);
        }

        const types = new Set(report.resources.map((r) => r.split(" ")[0]));
        for (const type of [
            "vendor-connections:index:VendorVault",
            "azure-native:resources:ResourceGroup",
            "azure-native:keyvault:Vault",
            "azure-native:monitor:DiagnosticSetting",
            "azure-native:eventgrid:SystemTopic",
            "vendor-connections:index:VendorConnection",
            "azuread:index/application:Application",
            "azuread:index/servicePrincipal:ServicePrincipal",
            "azuread:index/appRoleAssignment:AppRoleAssignment",
            "azuread:index/applicationCertificate:ApplicationCertificate",
            "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential",
            "azuread:index/namedLocation:NamedLocation",
            "azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy",
            "azure-native:eventgrid:SystemTopicEventSubscription",
            "azure-native:keyvault:Secret",
            "azure-native:authorization:RoleAssignment",
            "pulumi-nodejs:dynamic/vendor-connections:Certificate",
        ]) {
            assert.ok(types.has(type), `${type} was registered (registered: ${report.resources.join(", ")})`);
        }
        // Output-form invokes (the providers' `...Output` functions) answered through that SDK.
        assert.deepEqual(report.invokes, [
            "azure-native:authorization:getClientConfig",
            "azuread:index/getClientConfig:getClientConfig",
            "azuread:index/getServicePrincipal:getServicePrincipal",
        ]);
        assert.equal(report.secretUri, "https://kv-vendors.vault.azure.net/secrets/backup-certificate");
        // Certificates issued by the provider that SDK serialized, run as its dynamic provider host would.
        assert.equal(report.certificates.filter((c) => c.active).length, 1);
        for (const certificate of report.certificates) {
            assert.match(certificate.thumbprint, /^[0-9A-F]{40}$/);
        }
    });

    it("type-checks the library against that SDK's declarations, with the providers' declarations resolving it too", async () => {
        await typeCheck;
    });
});
