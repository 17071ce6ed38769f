import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as ts from "typescript";
import { KEY_VERSION_TAGS } from "../../components/vaultKey/model";
import { codeBlocks, markdownSection } from "../support/markdown";

// The vendor's side of a vault-key connection, as README.md and docs/vendors.md show it: the Node
// examples pass the helper only options it has, and the .NET and Python recipes find the version
// by the tag the runtime writes and build the header the helper builds.

const root = resolve(__dirname, "..", "..");

/** The property names of interface `name` in the TypeScript file `file` (relative to the repository). */
function interfaceMembers(file: string, name: string): string[] {
    const source = ts.createSourceFile(file, readFileSync(resolve(root, file), "utf8"), ts.ScriptTarget.Latest, true);
    const found = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
    assert.ok(found, `${file} has no interface ${name}`);
    return found.members.map((m) => (m.name && ts.isIdentifier(m.name) ? m.name.text : "")).filter(Boolean);
}

/** The keys of the object literal passed to keyVaultClientAssertion in a TypeScript example. */
function helperOptionsIn(example: string): string[] {
    const source = ts.createSourceFile("example.ts", example, ts.ScriptTarget.Latest, true);
    const keys: string[] = [];
    const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "keyVaultClientAssertion") {
            const options = node.arguments.at(0);
            assert.ok(options !== undefined && ts.isObjectLiteralExpression(options), "keyVaultClientAssertion is called with an object literal");
            for (const property of options.properties) {
                assert.ok(property.name !== undefined && ts.isIdentifier(property.name), "each option is named");
                keys.push(property.name.text);
            }
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return keys;
}

describe("docs for vault-key credentials", () => {
    const options = interfaceMembers("components/vendor/clientAssertion.ts", "KeyVaultClientAssertionOptions");
    const required = ["keyId", "clientId", "tenantId", "credential"];
    const examples = [
        ["README.md", codeBlocks(markdownSection("README.md", "Keys that never leave Key Vault"), "ts")],
        ["docs/vendors.md", codeBlocks(markdownSection("docs/vendors.md", "Node: `vendor-connections/vendor`"), "ts")],
    ] as const;

    for (const [file, blocks] of examples) {
        it(`${file}'s Node example imports the helper from vendor-connections/vendor and passes it only options it has, the required ones included`, () => {
            assert.equal(blocks.length, 1, `${file} has one ts example`);
            const [example] = blocks;
            assert.match(example, /import \{ keyVaultClientAssertion \} from "vendor-connections\/vendor";/);
            const given = helperOptionsIn(example);
            assert.deepEqual(
                given.filter((key) => !options.includes(key)),
                [],
                `options keyVaultClientAssertion does not have (it has ${options.join(", ")})`,
            );
            assert.deepEqual(
                required.filter((key) => !given.includes(key)),
                [],
                "required options missing",
            );
            assert.ok(
                required.every((key) => options.includes(key)),
                "the required options are the helper's",
            );
        });
    }

    it("the .NET and Python recipes find the version by the runtime's thumbprint tag and build the helper's header", () => {
        const helper = readFileSync(resolve(root, "components/vendor/clientAssertion.ts"), "utf8");
        assert.match(helper, /alg: "PS256", typ: "JWT", "x5t#S256"/, "the helper's header, which the recipes copy");
        const recipes = [
            ...codeBlocks(markdownSection("docs/vendors.md", ".NET: MSAL.NET and `Azure.Security.KeyVault.Keys`"), "csharp"),
            ...codeBlocks(markdownSection("docs/vendors.md", "Python: msal and `azure-keyvault-keys`"), "python"),
        ];
        assert.equal(recipes.length, 2);
        for (const recipe of recipes) {
            assert.ok(recipe.includes(`"${KEY_VERSION_TAGS.thumbprintSha256}"`), `the recipe reads the ${KEY_VERSION_TAGS.thumbprintSha256} tag`);
            assert.match(recipe, /\["?alg"?\] = "PS256"|"alg": "PS256"/);
            assert.match(recipe, /"typ"\] = "JWT"|"typ": "JWT"/);
            assert.ok(recipe.includes('"x5t#S256"'), "the header names the SHA-256 thumbprint");
            for (const claim of ["aud", "iss", "sub", "jti", "nbf", "exp"]) {
                assert.ok(recipe.includes(`"${claim}"`), `the recipe sets ${claim}`);
            }
            assert.match(recipe, /now \+ 600/, "ten minutes at most, as the helper's default");
        }
    });
});
