import { KEY_VERSION_TAGS } from "../../components/vaultKey/model";
import type { ExpectedConnection, ExpectedKeyVersion } from "../../components/vendorConnection/expected";
import type { Drift } from "./drift";
import type { KeyVersionMetadata } from "./vaultMetadata";

// What a vault-key connection's key holds against what the stack holds, from the key's version
// listing (enabled, expiry, tags), never key material. Pure.
//
// A version signs for whoever holds a sign right on the key (the connection's readers, through the
// key-signer role) for as long as it is enabled and valid. The stack enables exactly the versions
// of its current certificates and disables each one as its certificate leaves; a version it no
// longer holds is never touched by a deploy again, so one enabled outside the stack stays enabled
// until someone disables it. Versions are never deleted: the listing is the whole record.

const SET_ATTRIBUTES = "az keyvault key set-attributes";

/** The key's drift; none when the connection's credential is not a vault key (or the outputs predate vault-key checks). */
export function keyDriftOf(expected: ExpectedConnection, versions: readonly KeyVersionMetadata[] | null): Drift[] {
    const { keyName } = expected;
    if (keyName === null) {
        return [];
    }
    if (versions === null) {
        return [
            drift(
                "missingKey",
                keyName,
                `the vault has no key ${keyName}: the vendor has nothing to sign with, and no deploy makes it again while the stack holds its versions. ` +
                    `Recover it from the vault's deleted keys (az keyvault key recover --vault-name ${vaultNameOf(expected)} --name ${keyName}), which brings back every version as it was; ` +
                    "if it was purged, revoke the connection's certificates (revokeIssuedBefore) so that a deploy issues new versions.",
            ),
        ];
    }
    // The stack's versions are held while not suspended; a suspended connection holds none.
    const held = new Map(expected.suspended ? [] : expected.keyVersions.map((v) => [versionOf(v.keyId), v]));
    const found: Drift[] = [];
    for (const version of versions) {
        const expectedVersion = held.get(versionOf(version.keyId));
        if (expectedVersion === undefined) {
            if (version.enabled) {
                found.push(drift("enabledKeyVersion", version.keyId, unheldEnabledDetail(version, expected.suspended)));
            }
            continue;
        }
        held.delete(versionOf(version.keyId));
        if (!version.enabled) {
            found.push(
                drift(
                    "disabledKeyVersion",
                    version.keyId,
                    `the version of the stack's certificate ${expectedVersion.thumbprintSha256} is disabled although the connection is not suspended: ` +
                        `the vendor cannot sign with it. The stack's state records it as enabled, so a deploy that keeps this certificate leaves it disabled; ` +
                        `enable it (${SET_ATTRIBUTES} --id ${version.keyId} --enabled true) and find who disabled it in the vault's audit log (KeyUpdate).`,
                ),
            );
        }
        const tagged = version.tags[KEY_VERSION_TAGS.thumbprintSha256];
        if (tagged !== expectedVersion.thumbprintSha256) {
            found.push(drift("keyVersionThumbprint", version.keyId, thumbprintDetail(version, expectedVersion, tagged)));
        }
    }
    for (const missing of held.values()) {
        found.push(
            drift(
                "missingKeyVersion",
                missing.keyId,
                `the key has no version ${versionOf(missing.keyId)}, which the stack holds for its certificate ${missing.thumbprintSha256}: ` +
                    `the key was deleted and made again (or restored from an older backup) outside the stack, and the vendor cannot sign with that certificate. ` +
                    "Revoke the connection's certificates (revokeIssuedBefore) so that a deploy issues new versions.",
            ),
        );
    }
    return found;
}

function unheldEnabledDetail(version: KeyVersionMetadata, suspended: boolean): string {
    const tag = version.tags[KEY_VERSION_TAGS.thumbprintSha256];
    const described = `version ${versionOf(version.keyId)} (x5t-S256 ${tag ?? "none"}, expires ${version.expires ?? "never"}) is enabled`;
    const why = suspended
        ? `${described} although the connection is suspended: a suspended connection signs with nothing, yet whoever may still sign with the key can sign with it`
        : `${described}, but its certificate is not one the stack holds: ${
              tag === undefined
                  ? // Issuing a version makes it enabled, signs its certificate with it, then disables and tags it.
                    "a deploy made it and failed before disabling it, or it was made outside the stack"
                  : "it was enabled again after its certificate was retired or revoked, or made outside the stack"
          }. Whoever may sign with the key can sign with it, and a signature is a sign-in wherever Entra still has its certificate ` +
          "(a stray key credential, if any, is listed for the application)";
    return (
        `${why}. No deploy disables a version the stack no longer holds: disable it now (${SET_ATTRIBUTES} --id ${version.keyId} --enabled false) ` +
        "and find who enabled it in the vault's audit log (KeyUpdate, KeyCreate)."
    );
}

function thumbprintDetail(version: KeyVersionMetadata, expected: ExpectedKeyVersion, tagged: string | undefined): string {
    return (
        `the version is tagged x5t-S256 ${tagged ?? "(none)"}, not ${expected.thumbprintSha256}, its certificate's: the vendor's signer names the certificate by this tag ` +
        "in every assertion and skips a version without it, so Entra cannot match the vendor's sign-ins to the registered certificate. " +
        `The tag was changed outside the stack; set it back with ${SET_ATTRIBUTES} --id ${version.keyId} --tags followed by every tag the version keeps and ` +
        `${KEY_VERSION_TAGS.thumbprintSha256}=${expected.thumbprintSha256} (the tags given replace them all).`
    );
}

function drift(kind: string, id: string, detail: string): Drift {
    return { object: "vault", kind, id, displayName: null, detail };
}

/** The vault's name, from a key id the stack holds (`https://<name>.vault.azure.net/...`). */
function vaultNameOf(expected: ExpectedConnection): string {
    const [held] = expected.keyVersions;
    return held === undefined ? "<vault>" : new URL(held.keyId).hostname.split(".")[0];
}

/** A version's id within its key: the last segment of its key id, which Key Vault writes in lower-case hex. */
function versionOf(keyId: string): string {
    return (keyId.split("/").filter(Boolean).pop() ?? "").toLowerCase();
}
