import * as pulumi from "@pulumi/pulumi";
import { vaultKeyActivationProvider, vaultKeyCertificateProvider } from "./provider";

/**
 * The type tokens of the two resources a vault-key slot is made of. Permanent: changing one (or the
 * module/type passed to dynamic.Resource below) would replace every live key version
 * (docs/architecture.md#component-design-rules).
 */
export const VAULT_KEY_CERTIFICATE_RESOURCE_TYPE = "pulumi-nodejs:dynamic/vendor-connections:VaultKeyCertificate";
export const VAULT_KEY_ACTIVATION_RESOURCE_TYPE = "pulumi-nodejs:dynamic/vendor-connections:VaultKeyActivation";

export interface VaultKeyCertificateArgs {
    /** The vault's URI, `https://<vault>.vault.azure.net/` (VendorVault `vaultUri`). */
    vaultUri: pulumi.Input<string>;
    /** The connection's key; every certificate of the connection is a version of it. */
    keyName: string;
    /** RSA key size: 2048, 3072 or 4096. */
    keySize: number;
    /** `RSA-HSM` (a Premium vault) instead of `RSA`. */
    hardwareProtected: boolean;
    /** Subject CN. */
    commonName: string;
    /** Start and end of validity, `YYYY-MM-DDTHH:MM:SSZ`, from the rotation schedule. */
    notBefore: string;
    notAfter: string;
    /** The rotation schedule's identity of the certificate: a new one asks for a new key version. */
    identity: string;
}

/**
 * One certificate whose private key is a version of the connection's Key Vault key: created in the
 * vault, never exportable, signing only there. Created disabled (see VaultKeyActivation); deleting
 * the resource disables the version, so signing with it stops. Any input change replaces it.
 */
export class VaultKeyCertificate extends pulumi.dynamic.Resource {
    /** The versioned key id, `https://<vault>/keys/<name>/<version>`. */
    declare public readonly keyId: pulumi.Output<string>;
    declare public readonly keyVersion: pulumi.Output<string>;
    /** The certificate alone: its private key never leaves the vault. */
    declare public readonly certificatePem: pulumi.Output<string>;
    declare public readonly thumbprintSha1: pulumi.Output<string>;
    declare public readonly thumbprintSha256: pulumi.Output<string>;
    declare public readonly serialNumber: pulumi.Output<string>;
    declare public readonly notBefore: pulumi.Output<string>;
    declare public readonly notAfter: pulumi.Output<string>;
    declare public readonly identity: pulumi.Output<string>;

    constructor(name: string, args: VaultKeyCertificateArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            vaultKeyCertificateProvider,
            name,
            { keyId: undefined, keyVersion: undefined, certificatePem: undefined, thumbprintSha1: undefined, thumbprintSha256: undefined, serialNumber: undefined, ...args },
            opts,
            "vendor-connections",
            "VaultKeyCertificate",
        );
    }
}

export interface VaultKeyActivationArgs {
    vaultUri: pulumi.Input<string>;
    keyName: string;
    /** The version to enable: its certificate's key credential is registered. */
    keyVersion: pulumi.Input<string>;
}

/**
 * Enables a key version once its key credential is registered (the component makes it depend on the
 * registration), and disables it when deleted. The vendor's helper signs with the newest enabled
 * version, so the switch of the vendor to a new certificate is this resource's create.
 */
export class VaultKeyActivation extends pulumi.dynamic.Resource {
    declare public readonly keyVersion: pulumi.Output<string>;

    constructor(name: string, args: VaultKeyActivationArgs, opts?: pulumi.CustomResourceOptions) {
        super(vaultKeyActivationProvider, name, { ...args }, opts, "vendor-connections", "VaultKeyActivation");
    }
}
