import { buildExternallySignedCertificate } from "../certificate/externallySigned";
import { parseRfc3339 } from "../time";
import { KEY_VERSION_TAGS, VaultKeyCertificateInputs, VaultKeyCertificateOutputs } from "./model";
import type { VaultKeys } from "../keyVault/vaultKeys";
import { isKeyNotFound } from "../keyVault/errors";

// The Key Vault side of a vault-key credential's life, one function per step:
//   1. issue: a new version of the connection's key (sign-only, not exportable, valid exactly as
//      long as its certificate), the certificate built around it and signed by it, and the version
//      left disabled, so that no vendor signs with a key Entra does not know yet;
//   2. activate: once the key credential is registered, the version is enabled: the vendor's helper
//      picks the newest enabled version, so the switch is the registration itself;
//   3. retire: when the certificate leaves the schedule (rotated out, revoked, suspended), the
//      version is disabled, so signing with it stops at that deploy. The key is never deleted: its
//      versions and their tags are the record of what was issued, and soft delete would keep the
//      name reserved anyway.

/** Step 1: the key version and its certificate. */
export async function issueVaultKeyCertificate(keys: VaultKeys, inputs: VaultKeyCertificateInputs): Promise<VaultKeyCertificateOutputs> {
    const notBefore = instant(inputs.notBefore, "notBefore");
    const notAfter = instant(inputs.notAfter, "notAfter");
    const key = await keys.create({
        name: inputs.keyName,
        keySize: inputs.keySize,
        hardwareProtected: inputs.hardwareProtected,
        // The version signs its own certificate now, which may be before the certificate's notBefore
        // (a deploy just ahead of its window): the key is valid from now or notBefore, whichever is
        // earlier, and for exactly as long as the certificate.
        notBefore: new Date(Math.min(Date.now(), notBefore.getTime())),
        expiresOn: notAfter,
        tags: { [KEY_VERSION_TAGS.connection]: inputs.commonName, [KEY_VERSION_TAGS.identity]: inputs.identity },
    });
    // The version is made enabled, as it must be to sign its own certificate. If building the
    // certificate or disabling the version fails, Pulumi records no resource, so no later delete
    // would disable it: disable it here, best effort, before the failure is reported. (An enabled
    // version without a registered certificate signs nothing Entra accepts; `npm run verify`
    // reports one that survives this, untagged.)
    let certificate: Awaited<ReturnType<typeof buildExternallySignedCertificate>>;
    try {
        certificate = await buildExternallySignedCertificate({
            commonName: inputs.commonName,
            organization: inputs.organization,
            notBefore,
            notAfter,
            publicKey: key.publicKey,
            signSha256Digest: (digest) => keys.signSha256Digest(inputs.keyName, key.version, digest),
        });
        await keys.setEnabled(inputs.keyName, key.version, false, {
            [KEY_VERSION_TAGS.connection]: inputs.commonName,
            [KEY_VERSION_TAGS.identity]: inputs.identity,
            [KEY_VERSION_TAGS.thumbprintSha256]: certificate.thumbprintSha256,
        });
    } catch (err) {
        await keys.setEnabled(inputs.keyName, key.version, false).catch(() => undefined);
        throw err;
    }
    return { ...inputs, keyId: key.keyId, keyVersion: key.version, ...certificate };
}

/** Steps 2 and 3: enable a registered version, disable a retired one. A version the vault no longer has needs nothing. */
export async function setKeyVersionEnabled(keys: VaultKeys, keyName: string, keyVersion: string, enabled: boolean): Promise<void> {
    try {
        await keys.setEnabled(keyName, keyVersion, enabled);
    } catch (err) {
        if (!isKeyNotFound(err)) {
            throw err;
        }
    }
}

function instant(text: string, name: string): Date {
    const parsed = parseRfc3339(text);
    if (!parsed) {
        throw new Error(`${name}: ${JSON.stringify(text)} is not an RFC 3339 instant`);
    }
    return parsed;
}
