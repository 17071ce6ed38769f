import * as assert from "node:assert/strict";
import { CertificateInputs, INPUT_NAMES, UNKNOWN, toCertificateRequest } from "../../components/certificate/inputs";
import { CertificateOutputs, certificateProvider } from "../../components/certificate/provider";

// The provider's check and diff, called in process. The serialized form, and create with a real
// key, are exercised in resource.test.ts.

const inputs: CertificateInputs = {
    commonName: "acme",
    organization: "Acme Backup Ltd",
    keySize: 3072,
    notBefore: "2026-03-01T00:00:00Z",
    notAfter: "2026-03-15T00:00:00Z",
    identity: "acme/slot-a/window-42",
};

/** State as create leaves it; the artifacts are placeholders, diff never looks at them. */
const state: CertificateOutputs & { __provider: string } = {
    ...inputs,
    keySize: 3072,
    certificatePem: "-----BEGIN CERTIFICATE-----",
    privateKeyPem: "placeholder",
    pfxBase64: "placeholder",
    thumbprintSha1: "AB",
    thumbprintSha256: "ab",
    serialNumber: "01",
    issuedAt: "2026-02-28T23:00:00Z",
    __provider: "exports.handler = () => ({});",
};

const changed: { [K in keyof CertificateInputs]-?: unknown } = {
    commonName: "acme-2",
    organization: "Acme Holdings",
    keySize: 4096,
    notBefore: "2026-03-02T00:00:00Z",
    notAfter: "2026-03-16T00:00:00Z",
    identity: "acme/slot-a/window-43",
};

describe("certificate provider", () => {
    describe("diff", () => {
        const diff = (news: Record<string, unknown>) => certificateProvider.diff!("AB", state, news as unknown as CertificateInputs);

        it("sees no change when re-run with the same inputs, so no new certificate is issued", async () => {
            assert.deepEqual(await diff({ ...inputs, __provider: state.__provider }), { changes: false, replaces: [], deleteBeforeReplace: false });
        });

        it("ignores a new provider implementation (`__provider`)", async () => {
            assert.deepEqual(await diff({ ...inputs, __provider: "exports.handler = () => ({ v: 2 });" }), {
                changes: false,
                replaces: [],
                deleteBeforeReplace: false,
            });
        });

        it("covers every input", () => {
            assert.deepEqual([...INPUT_NAMES].sort(), Object.keys(changed).sort());
        });

        for (const key of INPUT_NAMES) {
            it(`replaces the certificate, new before old is deleted, when ${key} changes`, async () => {
                assert.deepEqual(await diff({ ...inputs, [key]: changed[key] }), { changes: true, replaces: [key], deleteBeforeReplace: false });
            });

            it(`replaces the certificate when ${key} is not known yet (preview)`, async () => {
                assert.deepEqual(await diff({ ...inputs, [key]: UNKNOWN }), { changes: true, replaces: [key], deleteBeforeReplace: false });
            });
        }

        it("lists every changed input", async () => {
            const result = await diff({ ...inputs, identity: changed.identity, notAfter: changed.notAfter });
            assert.deepEqual(result.replaces, ["notAfter", "identity"]);
        });

        it("treats an omitted keySize as the default 2048, and a dropped organization as a change", async () => {
            const defaults = { ...state, keySize: 2048 };
            const news = { ...inputs, keySize: undefined };
            assert.equal((await certificateProvider.diff!("AB", defaults, news)).changes, false);
            assert.deepEqual((await certificateProvider.diff!("AB", { ...state, keySize: 2048 }, { ...news, keySize: 2048 })).replaces, []);
            assert.deepEqual((await diff({ ...inputs, organization: undefined })).replaces, ["organization"]);
            // A state that recorded the omission as null, as the engine may, is the default too.
            assert.equal((await certificateProvider.diff!("AB", { ...state, keySize: null as unknown as number }, { ...inputs, keySize: 2048 })).changes, false);
        });
    });

    describe("check", () => {
        const check = (news: Record<string, unknown>) => certificateProvider.check!({} as CertificateInputs, news as unknown as CertificateInputs);

        it("accepts good inputs and passes them through", async () => {
            assert.deepEqual(await check({ ...inputs }), { inputs, failures: [] });
        });

        const bad: { news: Record<string, unknown>; property: string; reason: string | RegExp }[] = [
            { news: { keySize: 1024 }, property: "keySize", reason: "1024 is not allowed; use 2048, 3072 or 4096." },
            { news: { commonName: "" }, property: "commonName", reason: "must not be empty." },
            { news: { identity: "" }, property: "identity", reason: 'must be a non-empty string; got "".' },
            { news: { identity: undefined }, property: "identity", reason: "must be a non-empty string; got nothing." },
            { news: { identity: "   " }, property: "identity", reason: 'must be a non-empty string; got "   ".' },
            { news: { notBefore: undefined }, property: "notBefore", reason: "must be an RFC 3339 instant in UTC at whole seconds, like 2026-01-01T00:00:00Z; got nothing." },
            // A YAML slip that nests the instant in a list is not an instant, whatever its text.
            { news: { notBefore: ["2026-03-01T00:00:00Z"] }, property: "notBefore", reason: /got \["2026-03-01T00:00:00Z"\]\.$/ },
            {
                news: { notBefore: "2026-03-01" },
                property: "notBefore",
                reason: /must be an RFC 3339 instant in UTC at whole seconds, like 2026-01-01T00:00:00Z; got "2026-03-01"\./,
            },
            // Another spelling of a valid instant would never equal the certificate's own notAfter.
            { news: { notAfter: "2026-03-15T02:00:00+02:00" }, property: "notAfter", reason: /RFC 3339 instant in UTC at whole seconds/ },
            { news: { notAfter: "2026-03-15T00:00:00.000Z" }, property: "notAfter", reason: /RFC 3339 instant in UTC at whole seconds/ },
            { news: { notAfter: "2026-02-30T00:00:00Z" }, property: "notAfter", reason: /RFC 3339 instant in UTC at whole seconds/ },
            { news: { notAfter: "2026-02-28T00:00:00Z" }, property: "notAfter", reason: /is not after notBefore/ },
            { news: { notAfter: "2027-04-03T00:00:00Z" }, property: "notAfter", reason: /at most 397 days/ },
        ];
        for (const { news, property, reason } of bad) {
            it(`fails ${property} for ${JSON.stringify(news)}`, async () => {
                const { failures } = await check({ ...inputs, ...news });
                assert.equal(failures?.length, 1, JSON.stringify(failures));
                assert.equal(failures[0].property, property);
                if (typeof reason === "string") {
                    assert.equal(failures[0].reason, reason);
                } else {
                    assert.match(failures[0].reason, reason);
                }
            });
        }

        it("reports every failure at once, in input order", async () => {
            const { failures } = await check({ commonName: "", keySize: 1, notBefore: "x", notAfter: "y", identity: "" });
            assert.deepEqual(
                failures?.map((f) => f.property),
                ["commonName", "keySize", "notBefore", "notAfter", "identity"],
            );
        });

        it("leaves inputs that are unknown at preview to be judged once known", async () => {
            for (const key of INPUT_NAMES) {
                assert.deepEqual((await check({ ...inputs, [key]: UNKNOWN })).failures, [], key);
            }
            const allUnknown = Object.fromEntries(INPUT_NAMES.map((key) => [key, UNKNOWN]));
            assert.deepEqual((await check(allUnknown)).failures, []);
        });

        it("still judges the known inputs next to an unknown one", async () => {
            const { failures } = await check({ ...inputs, notBefore: UNKNOWN, notAfter: "2026-03-15", keySize: 5 });
            assert.deepEqual(
                failures?.map((f) => f.property),
                ["keySize", "notAfter"],
            );
        });
    });

    describe("the request create hands the engine", () => {
        it("is the checked inputs, dates as instants, the key size's default spelled out, organization only when given", () => {
            assert.deepEqual(toCertificateRequest(inputs), {
                commonName: "acme",
                organization: "Acme Backup Ltd",
                keySize: 3072,
                notBefore: new Date("2026-03-01T00:00:00Z"),
                notAfter: new Date("2026-03-15T00:00:00Z"),
            });
            const { organization: _organization, ...plain } = inputs;
            assert.deepEqual(toCertificateRequest({ ...plain, keySize: undefined }), {
                commonName: "acme",
                keySize: 2048,
                notBefore: new Date("2026-03-01T00:00:00Z"),
                notAfter: new Date("2026-03-15T00:00:00Z"),
            });
        });
    });

    describe("create", () => {
        it("refuses inputs that check would fail, naming them, before generating a key", async () => {
            await assert.rejects(certificateProvider.create({ ...inputs, keySize: 1024 }), /keySize: 1024 is not allowed; use 2048, 3072 or 4096\./);
        });
    });

    describe("read and delete", () => {
        it("read returns the state unchanged: the state is the certificate", async () => {
            assert.deepEqual(await certificateProvider.read!("AB", state), { id: "AB", props: state });
        });

        it("delete has nothing to remove remotely", async () => {
            assert.equal(await certificateProvider.delete!("AB", state), undefined);
        });
    });
});
