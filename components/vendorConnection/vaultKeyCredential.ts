import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { PlannedCertificate, isRevocationIdentity } from "../rotation";
import { toRfc3339 } from "../time";
import { VaultKeyActivation, VaultKeyCertificate } from "../vaultKey/resource";
import { declareKeyCredential } from "./keyCredential";
import { declareReaderAssignments } from "./readerAccess";
import type { ConnectionPlan } from "./validation";
import type { VaultKeyCredentialPlan } from "./vaultKeyPlan";

/** One slot of a vault-key connection: its key version and certificate, the registration, the activation. */
export interface VaultKeySlot {
    readonly planned: PlannedCertificate;
    readonly certificate: VaultKeyCertificate;
    readonly keyCredential: azuread.ApplicationCertificate;
    readonly activation: VaultKeyActivation;
}

/** The vault a vault-key connection makes its key in, as VendorConnection checked it. */
export interface VaultKeyVault {
    readonly vaultId: pulumi.Input<string>;
    /** Known once the deployer may make keys (VendorVault's keySignerRoleDefinitionId waits for that grant). */
    readonly vaultUri: pulumi.Input<string>;
    readonly keySignerRoleDefinitionId: pulumi.Input<string>;
}

/**
 * A vault-key credential: per scheduled slot, a new version of the connection's key with its
 * certificate (created disabled), the certificate's key credential, and the activation that
 * enables the version once Entra has it; and for each reader, the key-signer role on this key alone.
 *
 * The order is the certificate mode's, with the vault's publication replaced by the activation: a
 * vendor signs only with a version Entra knows (the activation depends on the registration), and a
 * version stops signing when its slot does (deleting either resource disables it). A revocation
 * replaces the slot's version delete-first, in its own step, like its key credential: the revoked
 * key stops signing at that deploy even if something else in the update fails.
 */
export function declareVaultKeyCredential(
    parent: pulumi.Resource,
    name: string,
    plan: ConnectionPlan,
    credential: VaultKeyCredentialPlan,
    vault: VaultKeyVault,
    application: azuread.Application,
): { slots: VaultKeySlot[]; keyUri: pulumi.Output<string> } {
    const { keyName, hardwareProtected } = credential;
    const slots = (plan.schedule?.certificates ?? []).map((planned): VaultKeySlot => {
        const revocation = isRevocationIdentity(planned.identity);
        const certificate = new VaultKeyCertificate(
            `${name}-key-${planned.slot}`,
            {
                vaultUri: vault.vaultUri,
                keyName,
                keySize: plan.policy!.keySize,
                hardwareProtected,
                // The connection's name, as for certificates: a cosmetic rename re-issues nothing.
                commonName: name,
                notBefore: toRfc3339(planned.notBefore),
                notAfter: toRfc3339(planned.notAfter),
                identity: planned.identity,
            },
            { parent, deleteBeforeReplace: revocation },
        );
        const keyCredential = declareKeyCredential(parent, name, planned, application, certificate.certificatePem);
        const activation = new VaultKeyActivation(
            `${name}-key-${planned.slot}-enabled`,
            { vaultUri: vault.vaultUri, keyName, keyVersion: certificate.keyVersion },
            { parent, dependsOn: [keyCredential], deleteBeforeReplace: revocation },
        );
        return { planned, certificate, keyCredential, activation };
    });

    const keyUri = pulumi.output(vault.vaultUri).apply((uri) => `${uri.replace(/\/+$/, "")}/keys/${keyName}`);
    if (!plan.suspended && plan.readers.length > 0) {
        declareReaderAssignments(parent, name, "signer", plan.readers, vault.keySignerRoleDefinitionId, pulumi.interpolate`${vault.vaultId}/keys/${keyName}`, {
            // Azure assigns a role only on a key that exists: the first version makes it.
            dependsOn: slots.map((slot) => slot.certificate),
        });
    }
    return { slots, keyUri };
}
