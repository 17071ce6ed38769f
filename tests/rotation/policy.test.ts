import * as assert from "node:assert/strict";
import { CertificatePolicyInput, resolveCertificatePolicy } from "../../components/rotation";
import { DAY, HOUR, assertOneIssue, validationIssues } from "./support";

const PATH = "connections.acme.certificate";
const resolve = (input: CertificatePolicyInput | undefined) => resolveCertificatePolicy(input, PATH);

describe("rotation: certificate policy", () => {
    it("defaults to a 30-day lifetime renewed 10 days before expiry, RSA 2048", () => {
        const expected = { lifetime: "P30D", renewBefore: "P10D", lifetimeMs: 30 * DAY, renewBeforeMs: 10 * DAY, keySize: 2048 };
        assert.deepEqual(resolve(undefined), expected);
        assert.deepEqual(resolve({}), expected);
    });

    it("defaults renewBefore to a third of the given lifetime, truncated to whole seconds", () => {
        assert.deepEqual(resolve({ lifetime: "PT1H" }), { lifetime: "PT1H", renewBefore: "PT20M", lifetimeMs: HOUR, renewBeforeMs: 20 * 60_000, keySize: 2048 });
        // 3601 s / 3 = 1200.33 s
        assert.equal(resolve({ lifetime: "PT1H1S" }).renewBefore, "PT20M");
        assert.equal(resolve({ lifetime: "P7D" }).renewBefore, "P2DT8H");
    });

    it("keeps given values, spelled canonically", () => {
        assert.deepEqual(resolve({ lifetime: "P2W", renewBefore: "PT36H", keySize: 4096 }), {
            lifetime: "P14D",
            renewBefore: "P1DT12H",
            lifetimeMs: 14 * DAY,
            renewBeforeMs: 36 * HOUR,
            keySize: 4096,
        });
    });

    describe("lifetime bounds (PT1H to P397D inclusive)", () => {
        it("accepts exactly PT1H and exactly P397D", () => {
            assert.equal(resolve({ lifetime: "PT1H" }).lifetimeMs, HOUR);
            assert.equal(resolve({ lifetime: "P397D" }).lifetimeMs, 397 * DAY);
        });
        it("rejects one second less than PT1H", () => {
            assertOneIssue(() => resolve({ lifetime: "PT59M59S" }), `${PATH}.lifetime`, /^PT59M59S is less than PT1H; use a duration between PT1H and P397D\.$/);
        });
        it("rejects one second more than P397D", () => {
            assertOneIssue(() => resolve({ lifetime: "P397DT1S" }), `${PATH}.lifetime`, /^P397DT1S is more than P397D; use a duration between PT1H and P397D\.$/);
        });
        it("rejects months with the duration's own message", () => {
            assertOneIssue(() => resolve({ lifetime: "P1M" }), `${PATH}.lifetime`, /uses months, which have no fixed length/);
        });
    });

    describe("renewBefore bounds (more than zero, at most half of lifetime)", () => {
        it("accepts exactly half of lifetime and exactly one second", () => {
            assert.equal(resolve({ lifetime: "P30D", renewBefore: "P15D" }).renewBefore, "P15D");
            assert.equal(resolve({ lifetime: "P30D", renewBefore: "PT1S" }).renewBeforeMs, 1000);
        });
        it("rejects one second more than half", () => {
            assertOneIssue(
                () => resolve({ lifetime: "P30D", renewBefore: "P15DT1S" }),
                `${PATH}.renewBefore`,
                /^P15DT1S is more than half of lifetime P30D; use a duration between PT1S and P15D\.$/,
            );
        });
        it("refuses renewBefore P20D for lifetime P30D, naming both and the range allowed", () => {
            assertOneIssue(
                () => resolve({ lifetime: "P30D", renewBefore: "P20D" }),
                `${PATH}.renewBefore`,
                /^P20D is more than half of lifetime P30D; use a duration between PT1S and P15D\.$/,
            );
        });
        it("rounds half of an odd-second lifetime down to whole seconds", () => {
            assert.equal(resolve({ lifetime: "PT1H1S", renewBefore: "PT30M" }).renewBefore, "PT30M");
            assertOneIssue(() => resolve({ lifetime: "PT1H1S", renewBefore: "PT30M1S" }), `${PATH}.renewBefore`, /between PT1S and PT30M\./);
        });
        it("checks renewBefore against the default lifetime", () => {
            assertOneIssue(() => resolve({ renewBefore: "P16D" }), `${PATH}.renewBefore`, /half of lifetime P30D; use a duration between PT1S and P15D\./);
        });
        it("rejects zero", () => {
            assertOneIssue(() => resolve({ renewBefore: "PT0S" }), `${PATH}.renewBefore`, /^PT0S is not more than zero.*use a duration between PT1S and P15D\.$/);
        });
    });

    describe("keySize", () => {
        for (const size of [2048, 3072, 4096]) {
            it(`accepts ${size}`, () => {
                assert.equal(resolve({ keySize: size }).keySize, size);
            });
        }
        for (const size of [1024, 2047, 8192, 2048.5]) {
            it(`rejects ${size}`, () => {
                const issues = validationIssues(() => resolve({ keySize: size }));
                assert.deepEqual(issues, [{ path: `${PATH}.keySize`, message: `${size} is not allowed; use 2048, 3072 or 4096.` }]);
            });
        }
        it("rejects a string", () => {
            assertOneIssue(() => resolve({ keySize: "2048" as unknown as number }), `${PATH}.keySize`, /^"2048" is not allowed; use 2048, 3072 or 4096\.$/);
        });
    });

    it("rejects unknown keys, naming them and the allowed keys", () => {
        assertOneIssue(
            () => resolve({ lifetime: "P30D", renew: "P5D", algorithm: "EC" } as CertificatePolicyInput),
            PATH,
            /^unknown keys "renew", "algorithm"; allowed keys: lifetime, renewBefore, keySize\.$/,
        );
        assertOneIssue(() => resolve({ renew: "P5D" } as CertificatePolicyInput), PATH, /^unknown key "renew"; allowed keys: lifetime, renewBefore, keySize\.$/);
    });

    it("rejects a policy that is not a mapping", () => {
        for (const bad of ["P30D", null, [], 30]) {
            assertOneIssue(() => resolve(bad as unknown as CertificatePolicyInput), PATH, /is not a certificate policy; use a mapping with keys lifetime, renewBefore, keySize\./);
        }
    });

    it("collects every issue at once", () => {
        const issues = validationIssues(() => resolve({ lifetime: "P400D", renewBefore: "P300D", keySize: 1024, extra: 1 } as CertificatePolicyInput));
        assert.deepEqual(
            issues.map((i) => i.path),
            [PATH, `${PATH}.lifetime`, `${PATH}.renewBefore`, `${PATH}.keySize`],
        );
        assert.match(issues[2].message, /more than half of lifetime P400D; use a duration between PT1S and P200D\./);
    });

    it("collects a bad lifetime and a bad renewBefore together, without a bogus comparison", () => {
        const issues = validationIssues(() => resolve({ lifetime: "P1M", renewBefore: "P1Y" }));
        assert.deepEqual(
            issues.map((i) => i.path),
            [`${PATH}.lifetime`, `${PATH}.renewBefore`],
        );
        assert.match(issues[1].message, /uses years/);
        // With no lifetime to halve, the renewBefore range is stated in words.
        assert.deepEqual(validationIssues(() => resolve({ lifetime: "P1M", renewBefore: "PT0S" }))[1], {
            path: `${PATH}.renewBefore`,
            message: "PT0S is not more than zero: without an overlap a rotation cuts the vendor off; use a duration of at least PT1S and at most half of lifetime.",
        });
    });

    it("faults only lifetime when lifetime does not parse and renewBefore is more than zero", () => {
        assertOneIssue(() => resolve({ lifetime: "P1M", renewBefore: "P5D" }), `${PATH}.lifetime`, /uses months/);
    });
});
