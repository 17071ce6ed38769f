import * as assert from "node:assert/strict";
import { keyDriftOf } from "../../cli/verify/keyDrift";
import type { KeyVersionMetadata } from "../../cli/verify/vaultMetadata";
import type { ExpectedConnection } from "../../components/vendorConnection/expected";

// keyDriftOf alone: what a vault-key connection's key versions (enabled, expiry, tags) say against
// the versions the stack holds, for each way they can part.

const KEY = "https://kv-vendors.vault.azure.net/keys/archiver-key";
const CURRENT = { keyId: `${KEY}/${"c".repeat(32)}`, thumbprintSha256: "C".repeat(43) };
const NEXT = { keyId: `${KEY}/${"d".repeat(32)}`, thumbprintSha256: "D".repeat(43) };
const RETIRED_ID = `${KEY}/${"a".repeat(32)}`;

function expected(overrides: Partial<ExpectedConnection> = {}): ExpectedConnection {
    return {
        sweep: "enforce",
        declared: {
            application: { objectId: "app", keyCredentialThumbprints: [], owners: [] },
            servicePrincipal: { objectId: "sp", keyCredentialThumbprints: [], owners: [] },
            federatedCredential: null,
            consent: [],
        },
        suspended: false,
        nextRotation: "2026-12-10T00:00:00Z",
        renewBeforeMs: 864_000_000,
        activeThumbprint: "0".repeat(40),
        activeNotAfter: "2026-12-31T00:00:00Z",
        secretName: null,
        keyName: "archiver-key",
        keyVersions: [CURRENT],
        ...overrides,
    };
}

function version(keyId: string, enabled: boolean, thumbprintSha256?: string, expires: string | null = "2026-12-31T00:00:00Z"): KeyVersionMetadata {
    const tags: Record<string, string> = { "vendor-connection": "archiver", "certificate-identity": "w1" };
    if (thumbprintSha256 !== undefined) {
        tags["x5t-S256"] = thumbprintSha256;
    }
    return { keyId, enabled, expires, tags };
}

const kinds = (drift: { kind: string; id: string }[]) => drift.map(({ kind, id }) => `${kind} ${id}`);

describe("keyDriftOf: a vault-key connection's key against what the stack holds", () => {
    it("finds nothing when exactly the stack's versions are enabled, tagged with their certificates' x5t#S256", () => {
        const versions = [version(RETIRED_ID, false, "A".repeat(43)), version(CURRENT.keyId, true, CURRENT.thumbprintSha256)];
        assert.deepEqual(keyDriftOf(expected(), versions), []);
        // Two current certificates during an overlap, both enabled.
        assert.deepEqual(keyDriftOf(expected({ keyVersions: [CURRENT, NEXT] }), [...versions, version(NEXT.keyId, true, NEXT.thumbprintSha256)]), []);
    });

    it("checks nothing for a connection without a vault key, or outputs from before vault keys were verified", () => {
        assert.deepEqual(keyDriftOf(expected({ keyName: null, keyVersions: [] }), null), []);
    });

    it("reports a missing key, saying how to recover it", () => {
        const [drift] = keyDriftOf(expected(), null);
        assert.deepEqual([drift.object, drift.kind, drift.id], ["vault", "missingKey", "archiver-key"]);
        assert.match(drift.detail, /no key archiver-key: the vendor has nothing to sign with/);
        assert.match(drift.detail, /az keyvault key recover --vault-name kv-vendors --name archiver-key/);
    });

    it("reports an enabled version the stack does not hold, naming its id, its x5t-S256 tag and its expiry, and that no deploy disables it", () => {
        const drift = keyDriftOf(expected(), [version(RETIRED_ID, true, "A".repeat(43), "2026-11-30T00:00:00Z"), version(CURRENT.keyId, true, CURRENT.thumbprintSha256)]);
        assert.deepEqual(kinds(drift), [`enabledKeyVersion ${RETIRED_ID}`]);
        assert.match(
            drift[0].detail,
            new RegExp(
                `^version a{32} \\(x5t-S256 A{43}, expires 2026-11-30T00:00:00Z\\) is enabled, but its certificate is not one the stack holds: it was enabled again after its certificate was retired or revoked`,
            ),
        );
        assert.match(
            drift[0].detail,
            /No deploy disables a version the stack no longer holds: disable it now \(az keyvault key set-attributes --id https:\/\/kv-vendors\.vault\.azure\.net\/keys\/archiver-key\/a{32} --enabled false\)/,
        );
    });

    it("says an enabled version without a thumbprint tag is one a deploy did not finish, and one without expiry never expires", () => {
        const [drift] = keyDriftOf(expected(), [version(RETIRED_ID, true, undefined, null), version(CURRENT.keyId, true, CURRENT.thumbprintSha256)]);
        assert.equal(drift.kind, "enabledKeyVersion");
        assert.match(drift.detail, /\(x5t-S256 none, expires never\) is enabled, but its certificate is not one the stack holds: a deploy made it and failed before disabling it/);
    });

    it("reports a version the stack holds that is disabled while the connection is not suspended", () => {
        const drift = keyDriftOf(expected(), [version(CURRENT.keyId, false, CURRENT.thumbprintSha256)]);
        assert.deepEqual(kinds(drift), [`disabledKeyVersion ${CURRENT.keyId}`]);
        assert.match(drift[0].detail, /is disabled although the connection is not suspended: the vendor cannot sign with it/);
        assert.match(drift[0].detail, /--enabled true/);
    });

    it("while suspended, reports every enabled version, and none that is disabled", () => {
        const suspended = expected({ suspended: true, keyVersions: [], nextRotation: null, activeThumbprint: null, activeNotAfter: null });
        const drift = keyDriftOf(suspended, [version(RETIRED_ID, false, "A".repeat(43)), version(CURRENT.keyId, true, CURRENT.thumbprintSha256)]);
        assert.deepEqual(kinds(drift), [`enabledKeyVersion ${CURRENT.keyId}`]);
        assert.match(drift[0].detail, /is enabled although the connection is suspended: a suspended connection signs with nothing/);
        assert.deepEqual(keyDriftOf(suspended, [version(CURRENT.keyId, false, CURRENT.thumbprintSha256)]), []);
    });

    it("reports a current version whose x5t-S256 tag is not its certificate's, or is missing", () => {
        const wrong = keyDriftOf(expected(), [version(CURRENT.keyId, true, "E".repeat(43))]);
        assert.deepEqual(kinds(wrong), [`keyVersionThumbprint ${CURRENT.keyId}`]);
        assert.match(wrong[0].detail, new RegExp(`tagged x5t-S256 E{43}, not C{43}, its certificate's`));
        const untagged = keyDriftOf(expected(), [version(CURRENT.keyId, true)]);
        assert.match(untagged[0].detail, /tagged x5t-S256 \(none\), not C{43}/);
    });

    it("matches versions by their id within the key, whatever the case or port of the key id", () => {
        const listed = version(`https://KV-VENDORS.vault.azure.net:443/keys/archiver-key/${"C".repeat(32)}`, true, CURRENT.thumbprintSha256);
        assert.deepEqual(keyDriftOf(expected(), [listed]), []);
    });

    it("reports a version the stack holds that the key does not have: the key was made again", () => {
        const drift = keyDriftOf(expected({ keyVersions: [CURRENT, NEXT] }), [version(CURRENT.keyId, true, CURRENT.thumbprintSha256)]);
        assert.deepEqual(kinds(drift), [`missingKeyVersion ${NEXT.keyId}`]);
        assert.match(drift[0].detail, /the key has no version d{32}, which the stack holds for its certificate D{43}/);
    });

    it("gives every drift a detail that says what it means and what to do", () => {
        const all = [
            ...keyDriftOf(expected(), null),
            ...keyDriftOf(expected({ keyVersions: [CURRENT, NEXT] }), [version(RETIRED_ID, true, "A".repeat(43)), version(CURRENT.keyId, false, "E".repeat(43))]),
        ];
        assert.deepEqual(
            all.map((d) => d.kind),
            ["missingKey", "enabledKeyVersion", "disabledKeyVersion", "keyVersionThumbprint", "missingKeyVersion"],
        );
        for (const drift of all) {
            assert.equal(drift.object, "vault");
            assert.equal(drift.displayName, null);
            assert.match(drift.detail, /: .*\. .*(recover|disable|enable|set it back|[Rr]evoke)/, drift.detail);
        }
    });
});
