import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { parseDuration } from "../../components/rotation";
import { connectionSchema, vaultSchema } from "../../cli/config/schema";
import { CONFIG_KEYS, parseStackConfig } from "../../cli/config";
import { planConnection } from "../../components/vendorConnection";
import { DEPLOY_INSTANT_VARIABLE } from "../../components/vendorConnection/clock";
import { exampleConfig } from "../support/exampleStack";
import { codeBlocks, markdownSection } from "../support/markdown";

// The README's quick start and docs/' operational sections are instructions people follow, some
// during an incident: what they show must stay true to the code, CI and the example stack.

const root = resolve(__dirname, "..", "..");

/** Hours between runs of a cron schedule whose hour field is `*`, `*\/N` or a list, minutes fixed. */
function cronIntervalHours(cron: string): number {
    const [minute, hour, ...rest] = cron.trim().split(/\s+/);
    assert.ok(/^\d+$/.test(minute) && rest.every((f) => f === "*"), `unsupported cron ${cron}`);
    if (hour === "*") {
        return 1;
    }
    const step = /^\*\/(\d+)$/.exec(hour);
    if (step) {
        return Number(step[1]);
    }
    const hours = hour
        .split(",")
        .map(Number)
        .sort((a, b) => a - b);
    return Math.max(...hours.map((h, i) => (i === 0 ? h + 24 - hours[hours.length - 1] : h - hours[i - 1])));
}

/** Every config path the schema accepts, as the reference table writes them. */
function schemaPaths(schema: z.ZodType, prefix: string): string[] {
    const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
    if (inner instanceof z.ZodObject) {
        return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, value]) => schemaPaths(value, `${prefix}.${key}`));
    }
    return [prefix];
}

describe("README and docs/", () => {
    it("the scheduled-rotation workflow is valid YAML that runs pulumi up often enough for the example stack", () => {
        const [workflowText] = codeBlocks(markdownSection("docs/operations.md", "Scheduled rotation"), "yaml");
        const workflow = parse(workflowText);
        const crons: string[] = workflow.on.schedule.map((s: { cron: string }) => s.cron);
        const interval = Math.min(...crons.map(cronIntervalHours));

        const example = exampleConfig()["vendor-connections:connections"];
        const renewBefores = Object.entries<any>(example).map(([name, c]) => {
            const lifetime = parseDuration(c.certificate?.lifetime ?? "P30D", name);
            return c.certificate?.renewBefore ? parseDuration(c.certificate.renewBefore, name) : lifetime / 3;
        });
        const shortest = Math.min(...renewBefores) / 3_600_000;
        assert.ok(interval * 4 <= shortest, `a run every ${interval} h leaves too few chances within the shortest renewBefore (${shortest} h)`);

        const steps = workflow.jobs.up.steps;
        assert.ok(
            steps.some((s: any) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up"),
            "the workflow runs pulumi up",
        );
        assert.ok(steps.findIndex((s: any) => s.run === "npm ci") < steps.findIndex((s: any) => s.uses?.startsWith("pulumi/actions@")), "npm ci before pulumi up");
        assert.equal(workflow.permissions["id-token"], "write", "OIDC sign-in, no stored Azure secret");
        assert.equal(workflow.concurrency["cancel-in-progress"], false, "a deploy is never interrupted");
        assert.ok(!/client-secret|ARM_CLIENT_SECRET/.test(workflowText), "no client secret");
    });

    for (const [title, what] of [
        ["Deploying for real", "the first deploy"],
        ["Compromise runbook", "the revocation deploy"],
    ] as const) {
        it(`${what} pins one deploy instant, in the variable the program reads, before the plan, the preview and the update`, () => {
            assertPinnedBeforeDeploy(codeBlocks(markdownSection("docs/operations.md", title), "sh").find((block) => /^\s*pulumi up\s*(#.*)?$/m.test(block)));
        });
    }

    function assertPinnedBeforeDeploy(steps: string | undefined): void {
        assert.ok(steps, "the steps show pulumi up");
        const lines = steps.split("\n").map((line) => line.replace(/#.*$/, "").trim());
        const pin = lines.findIndex((line) => line === `export ${DEPLOY_INSTANT_VARIABLE}=$(date -u +%Y-%m-%dT%H:%M:%SZ)`);
        assert.ok(pin >= 0, `the deploy steps do not export ${DEPLOY_INSTANT_VARIABLE}`);
        for (const command of ["npm run plan", "pulumi preview", "pulumi up"]) {
            const at = lines.findIndex((line) => line.startsWith(command));
            assert.ok(at === -1 || at > pin, `${command} runs before the instant is pinned`);
        }
        assert.ok(
            lines.some((line) => line.startsWith("pulumi up")),
            "the steps run pulumi up",
        );
    }

    it("the runbook's cutoff line, applied to the connection it names, leaves it no certificate issued before the cutoff, and no overlap", () => {
        const [snippet] = codeBlocks(markdownSection("docs/operations.md", "Compromise runbook"), "yaml");
        const connections = parse(snippet)["vendor-connections:connections"];
        const [name] = Object.keys(connections);
        const example = exampleConfig()["vendor-connections:connections"];
        assert.ok(name in example, `the runbook names ${name}, which the example stack does not have`);
        // What the runbook's deploy plans, an hour after the cutoff it sets.
        const cutoff = new Date(connections[name].revokeIssuedBefore);
        const deploy = new Date(cutoff.getTime() + 3_600_000);
        const settings = { ...example[name], ...connections[name] };
        assert.doesNotThrow(() => parseStackConfig({ vault: exampleConfig()["vendor-connections:vault"], connections: { ...example, [name]: settings } }, deploy));
        const schedule = planConnection(name, settings, deploy, `connections.${name}`).schedule;
        assert.ok(schedule, `${name} is a certificate connection`);
        assert.deepEqual(schedule.revokeIssuedBefore, cutoff);
        assert.equal(schedule.certificates.length, 1, "revocation allows no overlap");
        assert.ok(schedule.certificates[0].notBefore.getTime() >= cutoff.getTime(), "the certificate left is issued at or after the cutoff");
    });

    it("the runbook's one-connection revocation targets the connection's component URN with its dependents, as the simulator's targeted test does", () => {
        const command = codeBlocks(markdownSection("docs/operations.md", "Compromise runbook"), "sh")
            .map((block) => block.replace(/\\\n\s*/g, " "))
            .find((block) => block.includes("--target"));
        assert.ok(command, "the runbook shows a pulumi up --target command");
        const targets = [...command.matchAll(/--target '([^']+)'/g)].map((m) => m[1]);
        assert.equal(targets.length, 1, command);
        const match = /^urn:pulumi:[\w.-]+::vendor-connections::vendor-connections:index:VendorConnection::([\w-]+)$/.exec(targets[0]);
        assert.ok(match, `${targets[0]} is not a VendorConnection component URN of this project`);
        const example = exampleConfig()["vendor-connections:connections"];
        assert.ok(match[1] in example, `the runbook targets ${match[1]}, which the example stack does not have`);
        assert.match(command, /--target-dependents/, "without --target-dependents the connection's children are not updated");
    });

    it("CI runs the Quick start's two commands exactly, and fails when one of them fails", () => {
        const quickStart = codeBlocks(markdownSection("README.md", "Quick start"), "sh")[0]
            .split("\n")
            .map((line) => line.replace(/#.*$/, "").trim())
            .filter((line) => line.length > 0);
        assert.deepEqual(quickStart, ["npm ci && npm run plan", "npm ci && npm test"]);
        const ci = readFileSync(resolve(root, ".ci", "run"), "utf8");
        const ciCommands = ci.split("\n").filter((line) => line.startsWith("npm "));
        assert.deepEqual(ciCommands, quickStart, ".ci/run must run the README's Quick start commands, no more and no less");
        assert.match(ci, /^set -euo pipefail$/m, ".ci/run must stop at the first failing command");
    });

    it("the configuration reference lists exactly the keys the config schema accepts", () => {
        const documented = [...markdownSection("docs/configuration.md", "Stack configuration").matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
        const accepted = [
            ...schemaPaths(vaultSchema, "vault"),
            "connections",
            ...schemaPaths(connectionSchema, "connections.<name>"),
            ...CONFIG_KEYS.filter((k) => k !== "vault" && k !== "connections"),
        ];
        assert.deepEqual(
            accepted.filter((k) => !documented.includes(k)),
            [],
            "docs/configuration.md lacks these config keys: add a row (type, default, meaning) for each",
        );
        assert.deepEqual(
            documented.filter((k) => !accepted.includes(k)),
            [],
            "docs/configuration.md documents config keys the schema does not accept",
        );
    });
});
