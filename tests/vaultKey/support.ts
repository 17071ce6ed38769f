import type { VaultKeyCertificateInputs } from "../../components/vaultKey/model";
import { toRfc3339 } from "../../components/time";

const HOUR = 3_600_000;

/**
 * The inputs of connection "acme"'s certificate of the rotation slot `identity`, in the vault at
 * `vaultUri`: RSA 2048 (the stand-in's cheapest key), valid for 30 days from `startHoursAgo` hours
 * ago, at whole seconds.
 */
export function acmeCertificate(vaultUri: string, identity: string, startHoursAgo = 1): VaultKeyCertificateInputs {
    const start = Math.floor((Date.now() - startHoursAgo * HOUR) / 1000) * 1000;
    return {
        vaultUri,
        keyName: "acme",
        keySize: 2048,
        hardwareProtected: false,
        commonName: "acme",
        notBefore: toRfc3339(new Date(start)),
        notAfter: toRfc3339(new Date(start + 30 * 24 * HOUR)),
        identity,
    };
}
