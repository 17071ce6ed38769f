import * as assert from "node:assert/strict";
import { IssueCollector, ValidationError, joinPath } from "../components/errors";

describe("errors", () => {
    it("joins config paths the way users write them", () => {
        assert.equal(joinPath("", "connections"), "connections");
        assert.equal(joinPath("connections", "acme"), "connections.acme");
        assert.equal(joinPath("connections.acme.permissions", 2), "connections.acme.permissions[2]");
    });

    it("reports every collected issue at once, one per line, each with its path", () => {
        const issues = new IssueCollector();
        issues.add("connections.a.certificate.keySize", "1024 is not allowed; use 2048, 3072 or 4096.");
        issues.collect(() => {
            throw new ValidationError([{ path: "vault.name", message: "must not be empty." }]);
        });
        assert.throws(
            () => issues.throwIfAny(),
            (err: unknown) =>
                err instanceof ValidationError &&
                err.issues.length === 2 &&
                err.message === "connections.a.certificate.keySize: 1024 is not allowed; use 2048, 3072 or 4096.\n" + "vault.name: must not be empty.",
        );
    });

    it("lets errors that are not validation errors escape", () => {
        const issues = new IssueCollector();
        assert.throws(
            () =>
                issues.collect(() => {
                    throw new TypeError("bug");
                }),
            TypeError,
        );
        assert.doesNotThrow(() => issues.throwIfAny());
    });
});
