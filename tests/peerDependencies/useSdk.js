// @ts-check
"use strict";
// Preloaded (`node -r`) into a child process to run this library against another copy of the
// Pulumi SDK: every `require("@pulumi/pulumi")` and `require("@pulumi/pulumi/<subpath>")`, from
// any module (this repository's, @pulumi/azuread's, @pulumi/azure-native's, the SDK's own), is
// resolved in the directory named by VENDOR_CONNECTIONS_PULUMI_SDK instead, as if that copy were
// the one installed at node_modules/@pulumi/pulumi. Each redirected request is recorded with
// the module that made it, for the test to see who asked and what they got.

const Module = require("node:module");
const { join } = require("node:path");

const sdk = process.env.VENDOR_CONNECTIONS_PULUMI_SDK;
if (!sdk) {
    throw new Error("useSdk.js: set VENDOR_CONNECTIONS_PULUMI_SDK to the directory of the SDK copy to use");
}

/** @type {{ request: string; from: string; resolved: string }[]} */
const requests = [];

/** @type {any} */ (Module)._resolveFilename = (function (original) {
    return function resolveFilename(/** @type {string} */ request, /** @type {any} */ parent, /** @type {unknown[]} */ ...rest) {
        const match = /^@pulumi\/pulumi(\/.*)?$/.exec(request);
        if (!match) {
            return original.call(this, request, parent, ...rest);
        }
        const resolved = original.call(this, join(sdk, match[1] ?? ""), parent, ...rest);
        requests.push({ request, from: parent?.filename ?? "", resolved });
        return resolved;
    };
})(/** @type {any} */ (Module)._resolveFilename);

module.exports = { sdk, requests };
