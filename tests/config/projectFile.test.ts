import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as ts from "typescript";
import { parse } from "yaml";
import { z } from "zod";
import { ValidationError } from "../../components/errors";
import { CONFIG_KEYS, PROJECT, parseStackConfig } from "../../cli/config";
import { connectionSchema, vaultSchema } from "../../cli/config/schema";

// Pulumi.yaml's `config:` block declares the project's config keys; cli/config decides
// what the program accepts. This test keeps the two from drifting apart, under the rules Pulumi
// applies to project config (sdk/go/common/workspace/project.json and mergeConfig in pulumi/pulumi):
// - a declaration's `type` is string, integer, boolean or array (no object: pulumi/pulumi#11321);
// - a key of the project's namespace declared without `default` or `value` is required in every
//   stack, so only keys the program itself requires may be declared that way.

const NOW = new Date("2026-12-01T09:00:00Z");
const projectFileText = readFileSync(resolve(__dirname, "..", "..", "Pulumi.yaml"), "utf8");
const projectFile = parse(projectFileText) as {
    name: string;
    main?: string;
    runtime: { name: string; options?: { typescript?: boolean; tsconfig?: string } };
    config?: Record<string, unknown>;
};

const DECLARATION_ATTRIBUTES = ["type", "description", "default", "value", "secret", "items"];
const DECLARABLE_TYPES = ["string", "integer", "boolean", "array"];

interface Declaration {
    type?: string;
    description?: string;
    default?: unknown;
    value?: unknown;
    items?: unknown;
}

/** Pulumi.yaml's config declarations by key, without the optional `vendor-connections:` prefix. */
function declarations(): Record<string, Declaration> {
    const entries = Object.entries(projectFile.config ?? {});
    return Object.fromEntries(entries.map(([key, value]) => [key.replace(`${PROJECT}:`, ""), asDeclaration(key, value)]));
}

// A plain value is shorthand for `{ value: ... }`.
function asDeclaration(key: string, value: unknown): Declaration {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        return value as Declaration;
    }
    assert.fail(`Pulumi.yaml config ${key}: declare it as a map with a description, not as the value ${JSON.stringify(value)}`);
}

/** A configuration the program accepts, with every required key. */
const minimalConfig = (): Record<string, unknown> => ({
    vault: { resourceGroupName: "rg" },
    connections: { backup: { permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }] } },
});

/** Whether the program refuses to start without `key`, by asking the program's own validation. */
function isRequired(key: string): boolean {
    const { [key]: _omitted, ...rest } = minimalConfig();
    try {
        parseStackConfig(rest, NOW);
        return false;
    } catch (err) {
        assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
        return err.issues.some((issue) => issue.path === key);
    }
}

function mentions(text: string, word: string): boolean {
    return new RegExp(`\\b${word}\\b`).test(text);
}

describe("Pulumi.yaml project file", () => {
    it("is the vendor-connections project", () => {
        assert.equal(projectFile.name, PROJECT);
    });

    it("runs the example stack program, not the library that package.json exports", () => {
        // Without `main`, the Node.js host runs package.json's exports["."] (the library).
        assert.equal(projectFile.main, "index.ts");
    });

    it("runs it with a tsconfig that exists and transpiles without type checking", () => {
        const tsconfig = projectFile.runtime.options?.tsconfig;
        assert.ok(tsconfig, "Pulumi.yaml runtime.options.tsconfig is not set");
        // The host reads the file's own compilerOptions, so noCheck must be there, not inherited.
        const { config } = ts.parseConfigFileTextToJson(tsconfig, readFileSync(resolve(__dirname, "..", "..", tsconfig), "utf8"));
        assert.equal(config.compilerOptions.noCheck, true);
    });

    it("declares only keys the program accepts", () => {
        const unknown = Object.keys(declarations()).filter((key) => !(CONFIG_KEYS as readonly string[]).includes(key));
        assert.deepEqual(unknown, [], `Pulumi.yaml declares config keys the program rejects; allowed keys: ${CONFIG_KEYS.join(", ")}`);
    });

    it("declares every key the program requires, without a default, so Pulumi reports a missing one", () => {
        const declared = declarations();
        const required = CONFIG_KEYS.filter(isRequired);
        // An empty list would make this test pass without checking anything (e.g. isRequired broken).
        assert.notDeepEqual(required, [], "the program requires no config key, so nothing here is checked");
        for (const key of required) {
            assert.ok(key in declared, `required config key ${key} is not declared in Pulumi.yaml`);
            assert.equal(declared[key].default, undefined, `${key} is required: a default in Pulumi.yaml would hide its absence`);
            assert.equal(declared[key].value, undefined, `${key} is required: a value in Pulumi.yaml would hide its absence`);
        }
    });

    it("makes no optional key required: each is declared with a default the program accepts, or explained in a comment", () => {
        const declared = declarations();
        for (const key of CONFIG_KEYS.filter((k) => !isRequired(k))) {
            const declaration = declared[key];
            if (declaration === undefined) {
                assert.match(projectFileText, new RegExp(`^# - ${key} .*`, "m"), `optional key ${key} is neither declared nor explained in Pulumi.yaml's comment`);
                continue;
            }
            assert.notEqual(declaration.default, undefined, `${key} is optional, but Pulumi requires a key declared without a default in every stack`);
            assert.doesNotThrow(() => parseStackConfig({ ...minimalConfig(), [key]: declaration.default }, NOW), `the default of ${key} in Pulumi.yaml is not valid config`);
        }
    });

    it("uses only the declaration attributes and types Pulumi's project schema allows", () => {
        for (const [key, declaration] of Object.entries(declarations())) {
            const extra = Object.keys(declaration).filter((attribute) => !DECLARATION_ATTRIBUTES.includes(attribute));
            assert.deepEqual(extra, [], `${key}: Pulumi rejects these attributes; use ${DECLARATION_ATTRIBUTES.join(", ")}`);
            if (declaration.type !== undefined) {
                assert.ok(DECLARABLE_TYPES.includes(declaration.type), `${key}: type ${declaration.type} is not allowed; use ${DECLARABLE_TYPES.join(", ")}, or no type for a map`);
                assert.ok(declaration.type !== "array" || declaration.items !== undefined, `${key}: an array declaration needs items`);
            }
            assert.ok((declaration.description ?? "").length > 0, `${key}: add a description`);
        }
    });

    it("describes every setting of the vault and of a connection", () => {
        const declared = declarations();
        const settings: [string, z.ZodObject][] = [
            ["vault", vaultSchema],
            ["connections", connectionSchema],
        ];
        for (const [key, schema] of settings) {
            const description = declared[key]?.description ?? "";
            const missing = Object.keys(schema.shape).filter((setting) => !mentions(description, setting));
            assert.deepEqual(missing, [], `Pulumi.yaml's description of ${key} does not mention these settings`);
        }
    });
});
