// @ts-check
// `npm run lint`: ESLint on the code (index.ts, components/, cli/, tests/, bench/ and this file), with
// --max-warnings 0, then `prettier --check`. Every rule here is on because it catches a defect
// (a promise nobody waits for, an Output in a string, a condition that is always true, ...);
// pure style is Prettier's, and nothing else is judged. The rules that were tried and left off
// are listed at the end, with why.
import pulumi from "@pulumi/eslint-plugin";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

/** Rules that need no type information: they run on every file, TypeScript or JavaScript. */
const syntaxRules = {
    // `==` converts: "0" == 0, null == undefined. The code compares with === throughout.
    eqeqeq: ["error", "always"],
    // Code built from strings at run time: nothing here needs it, and a dynamic provider's
    // closure must stay what Pulumi serialized.
    "no-eval": "error",
    "no-new-func": "error",
    // Conditions and comparisons whose value never changes: a typo, or a wrong operator.
    "no-constant-binary-expression": "error",
    "no-constant-condition": "error",
    "no-self-compare": "error",
    "no-self-assign": "error",
    "no-dupe-else-if": "error",
    "no-duplicate-case": "error",
    "no-cond-assign": "error",
    "no-unsafe-negation": "error",
    "use-isnan": "error",
    "valid-typeof": "error",
    "no-compare-neg-zero": "error",
    "no-unmodified-loop-condition": "error",
    "no-unreachable-loop": "error",
    // "${name}" in a plain string is a template that was never one.
    "no-template-curly-in-string": "error",
    // An empty block is a swallowed error or an unfinished branch.
    "no-empty": "error",
    "no-useless-catch": "error",
    // Promises and exceptions that go astray.
    "no-async-promise-executor": "error",
    "no-unsafe-finally": "error",
    "no-unsafe-optional-chaining": "error",
    "no-ex-assign": "error",
    // Regular expressions that do not mean what they say (the validators are built on them).
    "no-misleading-character-class": "error",
    "no-useless-backreference": "error",
    "no-empty-character-class": "error",
    "no-invalid-regexp": "error",
    "no-control-regex": "error",
    // Assignments to what is not a variable, numbers that lose their value, holes in arrays.
    "no-func-assign": "error",
    "no-import-assign": "error",
    "no-setter-return": "error",
    "no-new-native-nonconstructor": "error",
    "no-loss-of-precision": "error",
    "no-sparse-arrays": "error",
    "no-irregular-whitespace": "error",
    "no-debugger": "error",
    "no-caller": "error",
    // A test left as `.only` silently skips every other test in its file, and mocha passes.
    "no-restricted-properties": [
        "error",
        ...["describe", "it", "context", "specify"].map((object) => ({
            object,
            property: "only",
            message: "`.only` skips the other tests; remove it before committing.",
        })),
    ],
    // Azure Native's root module loads every service's module; import the one you use
    // (`@pulumi/azure-native/keyvault`), which keeps type checking and `pulumi up` start-up fast.
    "no-restricted-imports": ["error", { paths: [{ name: "@pulumi/azure-native", message: "Import the service's submodule, e.g. @pulumi/azure-native/keyvault." }] }],
    // Unused code hides mistakes (a parameter you meant to use). `_name` says "unused on purpose".
    "@typescript-eslint/no-unused-vars": [
        "error",
        {
            argsIgnorePattern: "^_",
            varsIgnorePattern: "^_",
            caughtErrorsIgnorePattern: "^_",
            destructuredArrayIgnorePattern: "^_",
            ignoreRestSiblings: true,
        },
    ],
    "@typescript-eslint/no-unused-expressions": "error",
};

/** Rules that read the types, so they run where the TypeScript project (tsconfig.json) covers the file. */
const typeAwareRules = {
    // Pulumi: an Output in a template literal prints "Calling [toString] on an [Output<T>] is not
    // supported" instead of its value; build the string with pulumi.interpolate or apply. The
    // plugin's rules see only a value typed exactly Output<T> (OutputInstance<T> is an interface,
    // which its second rule, matching on type aliases, never sees), so restrict-template-expressions
    // below is the net that also catches Input<T>, Output<T> | undefined, an apply()'s result, and
    // any other object.
    "@pulumi/no-output-in-template-literal": "error",
    "@pulumi/no-output-instance-in-template-literal": "error",
    // Only strings, numbers, booleans, null/undefined, Errors and URLs in template literals
    // (typescript-eslint's defaults): an object there prints "[object Object]" or an Output's warning.
    "@typescript-eslint/restrict-template-expressions": "error",
    "@typescript-eslint/restrict-plus-operands": "error",
    "@typescript-eslint/no-base-to-string": "error",
    // An Output (or a Promise) is always truthy: `if (args.x)` with x an Input decides nothing.
    // Plain strings, numbers, booleans and possibly-undefined objects stay allowed in conditions;
    // what is reported is a condition on a value that cannot be false, or on an Input.
    "@typescript-eslint/strict-boolean-expressions": [
        "error",
        {
            allowString: true,
            allowNumber: true,
            allowNullableObject: true,
            allowNullableBoolean: true,
            allowNullableString: true,
            allowNullableNumber: true,
            allowNullableEnum: true,
            allowAny: true,
        },
    ],
    // Promises nobody awaits: their failures become unhandled rejections, or nothing at all, and
    // a test that does not await its assertion cannot fail.
    "@typescript-eslint/no-floating-promises": "error",
    "@typescript-eslint/no-misused-promises": "error",
    // `await` on something that is not a promise (an Output is not one: it never resolves that way).
    "@typescript-eslint/await-thenable": "error",
    // `return promise` inside try/catch skips the catch; `return await` keeps it.
    "@typescript-eslint/return-await": ["error", "error-handling-correctness-only"],
    // Throwing or rejecting with a non-Error loses the stack and the message the user sees.
    "@typescript-eslint/only-throw-error": "error",
    "@typescript-eslint/prefer-promise-reject-errors": "error",
    // String-eval through setTimeout/setInterval/Function.
    "no-implied-eval": "off",
    "@typescript-eslint/no-implied-eval": "error",
    // A switch over a union that forgets a member (a new operation kind, a new credential source).
    "@typescript-eslint/switch-exhaustiveness-check": "error",
    // for-in over an array (indexes as strings), delete on an array (holes), spreading a promise.
    "@typescript-eslint/no-for-in-array": "error",
    "@typescript-eslint/no-array-delete": "error",
    "@typescript-eslint/no-misused-spread": "error",
    // APIs marked @deprecated in Node's, Pulumi's and Azure's types: the peer-dependency range
    // spans several SDK versions, and a deprecated call is the next one to break.
    "@typescript-eslint/no-deprecated": "error",
};

export default defineConfig(
    // Build output, installed packages, local experiments and `npm run mutation`'s sandbox copies
    // and reports are not the repository's code.
    globalIgnores(["dist/", "node_modules/", "scratch/", ".tmp/", ".stryker-tmp/", "reports/"]),
    {
        files: ["**/*.ts", "**/*.js", "**/*.mjs"],
        linterOptions: { reportUnusedDisableDirectives: "error" },
        languageOptions: { parser: tseslint.parser },
        plugins: { "@typescript-eslint": tseslint.plugin, "@pulumi": pulumi },
        rules: syntaxRules,
    },
    {
        files: ["**/*.ts"],
        // Compiled by tests/packaging against the packed package, where "vendor-connections"
        // resolves; tsconfig.json leaves it out, so it gets the syntax rules only.
        ignores: ["tests/packaging/consumer/**"],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        rules: typeAwareRules,
    },
    // Left off, after running them over this code:
    // - no-unnecessary-condition: 41 reports, each a defensive check on a value that comes from
    //   YAML, JSON or a JavaScript caller at run time, where the declared type is a hope.
    // - unbound-method: 9 reports, all deliberate (saving an SDK function to restore it, calling
    //   module functions that never use `this`).
    // - require-atomic-updates: 3 reports, each a `finally` putting back what it replaced.
    // - no-loop-func, no-shadow: closures over `let` set in mocha's before(), and shadowed names
    //   that mean the same thing; style, not defects.
    // - no-promise-executor-return: 13 reports, all `new Promise((r) => setTimeout(r, ms))`.
    // - recommended-type-checked as a whole: no-explicit-any and the no-unsafe-* family would
    //   rewrite the tests' mocks and fakes, which type Pulumi's untyped internals on purpose.
);
