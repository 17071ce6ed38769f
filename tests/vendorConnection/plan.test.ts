import * as assert from "node:assert/strict";
import { ConnectionSettings, planConnection } from "../../components/vendorConnection";
import { JUDGED_SETTINGS } from "../../components/vendorConnection/validation";
import { eventSubscriptionNameFor, planNotify } from "../../components/vendorConnection/notifyPlan";
import { IssueCollector } from "../../components/errors";
import { connectionSchema } from "../../cli/config/schema";
import { issueLines } from "../support/validation";
import { FEDERATION_ISSUER, GRAPH_USER_READ, federated } from "./support";

// planConnection, the check every connection's plain settings pass before anything is declared:
// what each refusal says and where, and what an accepted setting becomes. Pure and fast; the
// component tests (vendorConnection.test.ts and its neighbours) show the same plans declared.

const NOW = new Date("2026-12-05T09:00:00Z");
const PATH = "connections.acme";
const READER = "11111111-2222-4333-8444-555555555555";
const plan = (settings: Partial<ConnectionSettings>, name = "acme", path = PATH) =>
    planConnection(name, { permissions: GRAPH_USER_READ, ...settings } as ConnectionSettings, NOW, path);
const refusals = (settings: Partial<ConnectionSettings>, name = "acme", path = PATH) => issueLines(() => plan(settings, name, path));

describe("planConnection: a connection's plain settings", () => {
    it("a certificate connection: its secret, certificate credential, consent and readers (lower case) by default or as given", () => {
        const defaults = plan({});
        assert.equal(defaults.secretName, "acme-certificate");
        assert.deepEqual(defaults.credential, { type: "certificate" });
        assert.equal(defaults.grantConsent, true);
        assert.deepEqual(defaults.readers, []);
        assert.equal(defaults.notify, undefined);
        assert.equal(defaults.revokeIssuedBefore, undefined);

        const given = plan({ secretName: "acme-cert-2", grantConsent: false, readers: [READER.toUpperCase()] });
        assert.equal(given.secretName, "acme-cert-2");
        assert.equal(given.grantConsent, false);
        assert.deepEqual(given.readers, [READER]);
    });

    it("refuses a secret name Key Vault would refuse, at secretName when given and at the connection when it is the default", () => {
        assert.deepEqual(refusals({ secretName: "acme_cert" }), [`${PATH}.secretName: "acme_cert" is not a valid Key Vault secret name; use 1-127 letters, digits and hyphens.`]);
        // The whole name is judged: a name is a path segment of every request about the secret.
        for (const secretName of ["/acme-cert", "acme-cert/versions"]) {
            assert.deepEqual(refusals({ secretName }), [
                `${PATH}.secretName: ${JSON.stringify(secretName)} is not a valid Key Vault secret name; use 1-127 letters, digits and hyphens.`,
            ]);
        }
        assert.deepEqual(refusals({}, "acme.corp"), [
            `${PATH}: "acme.corp-certificate" is not a valid Key Vault secret name; use 1-127 letters, digits and hyphens (the secret is named "<connection name>-certificate").`,
        ]);
        // Component arguments have no path: the connection is its name.
        assert.deepEqual(refusals({}, "acme.corp", ""), [
            `name: "acme.corp-certificate" is not a valid Key Vault secret name; use 1-127 letters, digits and hyphens (the secret is named "<connection name>-certificate").`,
        ]);
    });

    it("a certificate connection's name is its certificates' common name: 64 characters at most", () => {
        assert.equal(plan({}, "a".repeat(64)).secretName, `${"a".repeat(64)}-certificate`);
        assert.deepEqual(refusals({}, "a".repeat(65)), [
            `${PATH}: "${"a".repeat(65)}" is 65 characters long; a certificate connection's name is its certificates' common name, so use at most 64.`,
        ]);
    });

    it("revokeIssuedBefore: one cutoff at its key, several by index; the latest is the connection's", () => {
        assert.deepEqual(refusals({ revokeIssuedBefore: "yesterday" }), [`${PATH}.revokeIssuedBefore: "yesterday" is not an RFC 3339 instant; use e.g. 2026-11-28T09:00:00Z.`]);
        assert.deepEqual(refusals({ revokeIssuedBefore: ["2026-12-01T00:00:00Z", "yesterday"] }), [
            `${PATH}.revokeIssuedBefore[1]: "yesterday" is not an RFC 3339 instant; use e.g. 2026-11-28T09:00:00Z.`,
        ]);
        assert.deepEqual(plan({ revokeIssuedBefore: ["2026-12-01T00:00:00Z", undefined, "2026-11-01T00:00:00Z"] }).revokeIssuedBefore, new Date("2026-12-01T00:00:00Z"));
    });

    it("plans no rotation notices for a webhook that is no https URL, only the issue naming it", () => {
        const issues = new IssueCollector();
        assert.equal(planNotify("acme", { webhookUrl: "http://hooks.acme.example/x" }, "acme-certificate", PATH, issues), undefined);
        assert.deepEqual(
            issues.issues.map((issue) => issue.path),
            [`${PATH}.notify.webhookUrl`],
        );
    });

    it("refuses null where a setting is expected, naming it, as any other wrong value", () => {
        assert.deepEqual(refusals({ grantConsent: null as unknown as boolean }), [`${PATH}.grantConsent: null is not allowed; use true or false.`]);
    });

    it("sweep: enforce by default, or as given; anything else refused at its key", () => {
        assert.equal(plan({}).sweep, "enforce");
        assert.equal(plan({ sweep: "report" }).sweep, "report");
        assert.deepEqual(refusals({ sweep: "sometimes" as "off" }), [`${PATH}.sweep: "sometimes" is not allowed; use enforce, report, off (default enforce).`]);
    });

    it("readers: each an Entra object id, each once (case aside)", () => {
        const other = "99999999-8888-4777-8666-555555555555";
        // A nested list (a YAML indentation slip) is no object id, even when it holds one.
        assert.deepEqual(refusals({ readers: [42, [other]] as unknown as string[] }), [
            `${PATH}.readers[0]: 42 is not an Entra object id; use a GUID such as 00000000-0000-0000-0000-000000000000.`,
            `${PATH}.readers[1]: ["${other}"] is not an Entra object id; use a GUID such as 00000000-0000-0000-0000-000000000000.`,
        ]);
        assert.deepEqual(refusals({ readers: [READER, other, READER.toUpperCase()] }), [`${PATH}.readers[2]: ${READER.toUpperCase()} is listed twice; list each reader once.`]);
    });

    it("owners: plain entries must be object ids; Outputs (component arguments) are left to Entra", () => {
        assert.deepEqual(refusals({ owners: [READER, "alice@contoso.example", { apply: () => undefined }] }), [
            `${PATH}.owners[1]: "alice@contoso.example" is not an Entra object id; use a GUID such as 00000000-0000-0000-0000-000000000000.`,
        ]);
    });

    it("grantConsent and suspended take true or false only", () => {
        assert.deepEqual(refusals({ grantConsent: "yes", suspended: 1 } as unknown as Partial<ConnectionSettings>), [
            `${PATH}.grantConsent: "yes" is not allowed; use true or false.`,
            `${PATH}.suspended: 1 is not allowed; use true or false.`,
        ]);
    });

    it("readerIpRanges: checked as the vault firewall takes them, and only together with readers", () => {
        assert.deepEqual(plan({ readers: [READER], readerIpRanges: ["198.51.100.7"] }).readerIpRanges, ["198.51.100.7/32"]);
        assert.deepEqual(refusals({ readers: [READER], readerIpRanges: [] }), [
            `${PATH}.readerIpRanges: is empty, which would admit no reader to the vault; omit it to admit the IPv4 allowedIpRanges, or list the ranges the readers fetch from.`,
        ]);
        assert.deepEqual(refusals({ readers: [READER], readerIpRanges: ["0.0.0.0/0"] }), [
            `${PATH}.readerIpRanges[0]: 0.0.0.0/0 is too wide; use prefixes of /8 or longer: a wider range lets much of the internet reach the vault (0.0.0.0/0 all of it), which turns the firewall off; list the readers' own egress ranges.`,
        ]);
        assert.deepEqual(refusals({ readerIpRanges: ["198.51.100.7"] }), [
            `${PATH}.readerIpRanges: applies only together with ${PATH}.readers: it is where the readers fetch the certificate from.`,
        ]);
    });

    it("judges, and keeps its judgements under, every setting of the stack config but the display fields", () => {
        const configOnly = ["displayName", "owners", "notes"];
        assert.deepEqual(
            [...JUDGED_SETTINGS].sort(),
            Object.keys(connectionSchema.shape)
                .filter((key) => !configOnly.includes(key))
                .sort(),
        );
    });
});

describe("planConnection: a federated connection", () => {
    it("trusts the vendor's issuer and subject from trustedFrom, with the one audience Entra takes by default; no secret, no notices", () => {
        const planned = plan({ credential: federated() });
        assert.deepEqual(planned.credential, {
            type: "federated",
            issuer: FEDERATION_ISSUER,
            subject: "backup-agent:contoso",
            audiences: ["api://AzureADTokenExchange"],
            trustedFrom: new Date("2026-11-02T09:00:00Z"),
            state: "trusted",
            credentialName: "acme-federated",
        });
        assert.equal(planned.secretName, undefined);
        assert.equal(planned.notify, undefined);
        // Trust may start at the deploy instant itself.
        assert.equal(plan({ credential: federated({ trustedFrom: "2026-12-05T09:00:00Z" }) }).credential.type, "federated");
    });

    it("says which claim is missing or wrong, and what it is", () => {
        assert.deepEqual(refusals({ credential: federated({ subject: undefined, audiences: [""], trustedFrom: undefined }) }), [
            `${PATH}.credential.subject: is required; give a non-empty string: the \`sub\` claim of the vendor's tokens, e.g. system:serviceaccount:backup:agent.`,
            `${PATH}.credential.audiences[0]: "" is not allowed; give a non-empty string: the \`aud\` claim of the vendor's tokens, usually api://AzureADTokenExchange.`,
            `${PATH}.credential.trustedFrom: is required; set it to when you configured (or last re-confirmed) this issuer and subject, e.g. 2026-11-28T09:00:00Z: a revocation cutoff after it removes the credential.`,
        ]);
        assert.deepEqual(refusals({ credential: federated({ subject: 42, trustedFrom: "last week" }) }), [
            `${PATH}.credential.subject: 42 is not allowed; give a non-empty string: the \`sub\` claim of the vendor's tokens, e.g. system:serviceaccount:backup:agent.`,
            `${PATH}.credential.trustedFrom: "last week" is not an RFC 3339 instant; set it to when you configured (or last re-confirmed) this issuer and subject, e.g. 2026-11-28T09:00:00Z: a revocation cutoff after it removes the credential.`,
        ]);
    });

    it("the connection's name must make a federated credential name Entra takes: letters, digits, hyphens and underscores, starting with a letter or digit", () => {
        assert.equal(plan({ credential: federated() }, "a".repeat(110)).credential.type, "federated");
        for (const name of ["acme.corp", "-acme", "a".repeat(111)]) {
            assert.deepEqual(refusals({ credential: federated() }, name), [
                `${PATH}: "${name}-federated" is not a valid federated credential name; use a connection name of letters, digits, hyphens and underscores, at most 110 characters.`,
            ]);
        }
        assert.deepEqual(refusals({ credential: federated() }, "acme.corp", "")[0].split(":")[0], "name");
    });

    it("refuses each certificate-only setting, naming it and the credential type, and nothing else about it", () => {
        assert.deepEqual(refusals({ credential: federated(), readers: [READER], readerIpRanges: ["198.51.100.7"], notify: { webhookUrl: "http://vendor.example/hook" } }), [
            `${PATH}.readers: is not allowed together with ${PATH}.credential.type "federated": a federated connection keeps no certificate in the vault, so there is nothing to read.`,
            `${PATH}.readerIpRanges: is not allowed together with ${PATH}.credential.type "federated": a federated connection keeps no certificate in the vault, so no reader needs to reach it.`,
            `${PATH}.notify: is not allowed together with ${PATH}.credential.type "federated": a federated connection has no certificate whose rotation could be announced.`,
        ]);
    });
});

describe("rotation notices: the event subscription's name", () => {
    it("is the secret's name and -notify while that fits Event Grid's 64 characters; longer ones are cut and keep a hash of the whole name", () => {
        const fits = "s".repeat(57);
        assert.equal(eventSubscriptionNameFor(fits), `${fits}-notify`);
        // A resource name: a change would replace the subscription. The hash ignores case, as Key Vault's names do.
        const long = `Acme-${"s".repeat(60)}`;
        assert.equal(eventSubscriptionNameFor(long), "Acme-ssssssssssssssssssssssssssssssssssssssssssssssssss-1b8fd199");
        assert.equal(eventSubscriptionNameFor(long.toLowerCase()).slice(-8), "1b8fd199");
    });
});
