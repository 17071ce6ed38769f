import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { IssueCertificateOptions, KEY_SIZES, MAX_LIFETIME_DAYS, issueCertificate } from "../../components/certificate";
import { issueOptionIssues, validateIssueOptions } from "../../components/certificate/validate";
import { ValidationError } from "../../components/errors";

// Bad options throw an Error naming the option and what is allowed. None of these reaches key
// generation, so they cost nothing.

const DAY = 24 * 60 * 60 * 1000;
const start = new Date("2026-03-01T00:00:00Z");
const valid: IssueCertificateOptions = { commonName: "acme", notBefore: start, notAfter: new Date(start.getTime() + 14 * DAY) };

function rejection(path: string, message: string | RegExp) {
    return (err: unknown): boolean => {
        assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
        assert.equal(err.issues.length, 1, err.message);
        assert.equal(err.issues[0].path, path);
        if (typeof message === "string") {
            assert.equal(err.issues[0].message, message);
        } else {
            assert.match(err.issues[0].message, message);
        }
        return true;
    };
}

const LONE_SURROGATE = "is not well-formed Unicode (it holds a lone UTF-16 surrogate); use the text's proper characters.";

describe("issueCertificate option validation", () => {
    const cases: { name: string; options: Record<string, unknown>; path: string; message: string | RegExp }[] = [
        { name: "a key size not in the list", options: { keySize: 1024 }, path: "keySize", message: "1024 is not allowed; use 2048, 3072 or 4096." },
        { name: "a key size given as text", options: { keySize: "2048" }, path: "keySize", message: '"2048" is not allowed; use 2048, 3072 or 4096.' },
        { name: "a key size that is not a number", options: { keySize: NaN }, path: "keySize", message: "NaN is not allowed; use 2048, 3072 or 4096." },
        { name: "an empty commonName", options: { commonName: "" }, path: "commonName", message: "must not be empty." },
        { name: "a blank commonName", options: { commonName: "   " }, path: "commonName", message: "must not be empty." },
        { name: "a missing commonName", options: { commonName: undefined }, path: "commonName", message: "must be a string; got undefined." },
        { name: "a commonName over 64 characters", options: { commonName: "x".repeat(65) }, path: "commonName", message: "is 65 characters long; at most 64 are allowed." },
        { name: "an empty organization", options: { organization: "" }, path: "organization", message: "must not be empty." },
        { name: "a commonName with a lone surrogate", options: { commonName: "acme\uD800" }, path: "commonName", message: LONE_SURROGATE },
        { name: "an organization with a lone low surrogate", options: { organization: "\uDC00Contoso" }, path: "organization", message: LONE_SURROGATE },
        { name: "a commonName with a high surrogate before a plain character", options: { commonName: "\uD800acme" }, path: "commonName", message: LONE_SURROGATE },
        { name: "an organization with a low surrogate after a plain character", options: { organization: "Contoso\uDC00" }, path: "organization", message: LONE_SURROGATE },
        {
            name: "a notAfter after year 9999",
            options: { notBefore: new Date("9999-06-01T00:00:00Z"), notAfter: new Date("+010000-01-02T00:00:00Z") },
            path: "notAfter",
            message: "+010000-01-02T00:00:00.000Z cannot be encoded in a certificate; use a year from 1950 to 9999.",
        },
        {
            name: "notAfter equal to notBefore",
            options: { notAfter: start },
            path: "notAfter",
            message: "2026-03-01T00:00:00Z is not after notBefore (2026-03-01T00:00:00Z); it must be later.",
        },
        {
            name: "notAfter within the same second as notBefore",
            options: { notAfter: new Date(start.getTime() + 999) },
            path: "notAfter",
            message: /is not after notBefore/,
        },
        {
            name: "notAfter before notBefore",
            options: { notAfter: new Date(start.getTime() - DAY) },
            path: "notAfter",
            message: "2026-02-28T00:00:00Z is not after notBefore (2026-03-01T00:00:00Z); it must be later.",
        },
        {
            name: "a lifetime over 397 days",
            options: { notAfter: new Date(start.getTime() + 398 * DAY) },
            path: "notAfter",
            message: "2027-04-03T00:00:00Z is 398 days after notBefore; the lifetime must be at most 397 days.",
        },
        {
            name: "a lifetime one second over 397 days",
            options: { notAfter: new Date(start.getTime() + 397 * DAY + 1000) },
            path: "notAfter",
            message: /is 397\.00001 days after notBefore; the lifetime must be at most 397 days\./,
        },
        { name: "an invalid notBefore", options: { notBefore: new Date("nope") }, path: "notBefore", message: "must be a valid Date; got an invalid Date." },
        { name: "a notAfter that is not a Date", options: { notAfter: "2026-03-15T00:00:00Z" }, path: "notAfter", message: 'must be a valid Date; got "2026-03-15T00:00:00Z".' },
        {
            name: "a notBefore X.509 cannot encode",
            options: { notBefore: new Date("1949-12-31T00:00:00Z"), notAfter: new Date("1950-01-02T00:00:00Z") },
            path: "notBefore",
            message: "1949-12-31T00:00:00.000Z cannot be encoded in a certificate; use a year from 1950 to 9999.",
        },
    ];

    for (const { name, options, path, message } of cases) {
        it(`rejects ${name}, naming ${path}`, async () => {
            await assert.rejects(issueCertificate({ ...valid, ...options } as unknown as IssueCertificateOptions), rejection(path, message));
        });
    }

    it("reports every bad option at once", () => {
        const issues = issueOptionIssues({ commonName: "", keySize: 512, notBefore: start, notAfter: start });
        assert.deepEqual(
            issues.map((i) => i.path),
            ["commonName", "keySize", "notAfter"],
        );
    });

    it("accepts the bounds themselves: 64 characters, 397 days to the second, the end of 9999, characters outside the BMP", () => {
        const lastDay = new Date("9999-12-31T00:00:00Z");
        for (const options of [
            { commonName: "x".repeat(64), organization: "y".repeat(64) },
            { notAfter: new Date(start.getTime() + MAX_LIFETIME_DAYS * DAY) },
            { notBefore: new Date(lastDay.getTime() - DAY), notAfter: lastDay },
            { commonName: "Acme \u{1F510} Backup", organization: "\u{10400}" },
        ]) {
            assert.deepEqual(issueOptionIssues({ ...valid, ...options }), [], JSON.stringify(options));
        }
    });

    it("resolves valid options to the request: whole seconds, the default key size, organization only when given", () => {
        assert.deepEqual(validateIssueOptions({ commonName: "acme", notBefore: new Date("2026-03-01T00:00:00.900Z"), notAfter: new Date("2026-03-15T00:00:00.100Z") }), {
            commonName: "acme",
            keySize: 2048,
            notBefore: new Date("2026-03-01T00:00:00Z"),
            notAfter: new Date("2026-03-15T00:00:00Z"),
        });
        assert.deepEqual(validateIssueOptions({ ...valid, organization: "Acme Backup Ltd", keySize: 4096 }), {
            commonName: "acme",
            organization: "Acme Backup Ltd",
            keySize: 4096,
            notBefore: valid.notBefore,
            notAfter: valid.notAfter,
        });
    });

    it("accepts every allowed key size and the default", () => {
        for (const keySize of [undefined, ...KEY_SIZES]) {
            assert.deepEqual(issueOptionIssues({ ...valid, keySize }), []);
        }
    });

    it("accepts any lifetime from one second to 397 days, and nothing longer or shorter", () => {
        const lifetimeLimit = MAX_LIFETIME_DAYS * DAY;
        fc.assert(
            fc.property(
                fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(9000, 0, 1) }),
                fc.integer({ min: -lifetimeLimit, max: 2 * lifetimeLimit }),
                (startMs, lifetimeMs) => {
                    const notBefore = new Date(startMs);
                    const notAfter = new Date(startMs + lifetimeMs);
                    const paths = issueOptionIssues({ ...valid, notBefore, notAfter }).map((i) => i.path);
                    const wholeSecondsLifetime = Math.floor(notAfter.getTime() / 1000) * 1000 - Math.floor(startMs / 1000) * 1000;
                    const acceptable = wholeSecondsLifetime > 0 && wholeSecondsLifetime <= lifetimeLimit;
                    assert.deepEqual(paths, acceptable ? [] : ["notAfter"]);
                },
            ),
        );
    });

    it("rejects every key size that is not 2048, 3072 or 4096", () => {
        fc.assert(
            fc.property(fc.oneof(fc.integer(), fc.double()), (keySize) => {
                fc.pre(!(KEY_SIZES as readonly number[]).includes(keySize));
                assert.deepEqual(
                    issueOptionIssues({ ...valid, keySize }).map((i) => i.path),
                    ["keySize"],
                );
            }),
        );
    });
});
