// The component package's entry (package.json `main`), as Pulumi's Node.js plugin host runs it:
// it chooses how the TypeScript is compiled, then loads ./index.ts, the entry proper, which is also
// where Pulumi's analyzer reads the components' schema from.
//
// The host (cmd/run-plugin) compiles a plugin's TypeScript with ts-node, type checking every file
// under the working directory's tsconfig.json, and without one under defaults of its own (the
// ES2020 library, for one). The working directory is the consuming program's: a Python or YAML
// project has none, and the library is not written for those defaults. Its types are checked
// against its own settings by npm test; here, as in the example stack's deploys
// (tsconfig.pulumi.json), it is transpiled only, with its own settings: the host's compiler steps
// aside for one that does that. This file is JavaScript so that the host compiles nothing first,
// which would also cost seconds at every deploy. A compiler that already only transpiles (the
// tests') is left as it is.
"use strict";

const path = require("node:path");

const host = process[Symbol.for("ts-node.register.instance")];
if (host === undefined || !host.transpileOnly) {
    host?.enabled(false);
    require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "tsconfig.json") });
}

module.exports = require("./index.ts");
