import { createHash } from "node:crypto";
import { computedId, computedOutputs } from "../../cli/plan/offlineEngine";
import { VAULT_KEY_ACTIVATION_RESOURCE_TYPE, VAULT_KEY_CERTIFICATE_RESOURCE_TYPE } from "../../components/vaultKey/resource";
import type { PropertyMap } from "./values";

/** What a faker or issuer learns about the resource it answers for. */
export interface FakeContext {
    readonly type: string;
    readonly name: string;
    /** The simulator's resource key (parent type chain + type + name), unique in a stack. */
    readonly key: string;
    /** Inputs as the provider would receive them: plain values, secrets unwrapped, no `__provider`. */
    readonly inputs: PropertyMap;
    /** 0 for the first physical resource under this key, 1 for its first replacement, and so on. */
    readonly generation: number;
    /** The simulated deploy instant. */
    readonly at: Date;
}

/**
 * Answers a create for a custom (non-dynamic) resource type: its id and the outputs a provider
 * computes. The resource's outputs are its inputs merged with `outputs`.
 */
export type Faker = (context: FakeContext) => { id?: string; outputs?: PropertyMap };

/**
 * Stands in for a dynamic provider's create: returns the outputs (`outs`) that the real provider
 * would. Used instead of loading the serialized provider, e.g. to replay thousands of histories.
 */
export type Issuer = (inputs: PropertyMap, at: Date, context: FakeContext) => PropertyMap | Promise<PropertyMap>;

/**
 * The default faker: the offline engine's outputs and ids (cli/plan/offlineEngine.ts, the
 * ones `npm run plan` and the component unit tests see), seeded by name for the first generation and by name and generation after a replacement,
 * so a replaced Application gets a new objectId as in Entra, and a rerun gets the same one.
 */
export const defaultFaker: Faker = ({ type, name, inputs, generation }) => {
    const seed = generation === 0 ? name : `${name}#${generation}`;
    return { id: computedId(type, seed, inputs), outputs: computedOutputs(type, seed, inputs) };
};

export const CERTIFICATE_TYPE = "pulumi-nodejs:dynamic/vendor-connections:Certificate";

/**
 * A stand-in for the certificate provider's create: echoes the identity inputs, takes validity
 * from the `notBefore`/`notAfter` inputs, sets `issuedAt` to the simulated deploy instant, and
 * gives every issuance a distinct fake serial, thumbprints and key material (no crypto, so a
 * property test can replay thousands of histories). Each call of this factory numbers its own
 * issuances, so a fresh simulator with a fresh issuer replays deterministically.
 */
export function fakeCertificateIssuer(): Issuer {
    let issued = 0;
    return (inputs, at, { key, generation }) => {
        issued += 1;
        const { sha1, sha256, serialNumber } = fakeFacts(`${key}|${generation}|${at.toISOString()}|${issued}`);
        return {
            commonName: inputs.commonName,
            organization: inputs.organization,
            keySize: inputs.keySize,
            identity: inputs.identity,
            notBefore: inputs.notBefore,
            notAfter: inputs.notAfter,
            // Spelled as the real provider spells it: whole seconds, `Z`.
            issuedAt: at.toISOString().replace(/\.\d{3}Z$/, "Z"),
            serialNumber,
            thumbprintSha1: sha1,
            thumbprintSha256: sha256,
            certificatePem: `-----BEGIN CERTIFICATE-----\nFAKE ${serialNumber}\n-----END CERTIFICATE-----\n`,
            privateKeyPem: `-----BEGIN PRIVATE KEY-----\nFAKE ${serialNumber}\n-----END PRIVATE KEY-----\n`,
            pfxBase64: Buffer.from(`FAKE PFX ${serialNumber}`).toString("base64"),
        };
    };
}

/** Distinct fake thumbprints and serial for one issuance, from its seed. */
function fakeFacts(seed: string): { sha1: string; sha256: string; serialNumber: string } {
    const sha1 = createHash("sha1").update(seed).digest("hex").toUpperCase();
    const sha256 = createHash("sha256").update(seed).digest("hex").toUpperCase();
    return { sha1, sha256, serialNumber: sha256.slice(0, 32) };
}

export const VAULT_KEY_CERTIFICATE_TYPE = VAULT_KEY_CERTIFICATE_RESOURCE_TYPE;
export const VAULT_KEY_ACTIVATION_TYPE = VAULT_KEY_ACTIVATION_RESOURCE_TYPE;

/**
 * A stand-in for the vault-key certificate provider's create: a new key version per issuance (its
 * id under the vault URI and key name of the inputs), fake certificate and thumbprints (the SHA-256
 * one as x5t#S256 spells it, base64url), no key material at all, as the real provider keeps none.
 * Stateless: the resource key, its generation, the instant and the identity tell issuances apart, so
 * one stand-in serves every simulator deterministically.
 */
export const fakeVaultKeyIssuer: Issuer = (inputs, at, { key, generation }) => {
    const { sha1, serialNumber } = fakeFacts(`${key}|${generation}|${at.toISOString()}|${String(inputs.identity)}`);
    const keyVersion = createHash("md5").update(`${serialNumber}|version`).digest("hex");
    return {
        ...inputs,
        keyId: `${String(inputs.vaultUri).replace(/\/+$/, "")}/keys/${String(inputs.keyName)}/${keyVersion}`,
        keyVersion,
        certificatePem: `-----BEGIN CERTIFICATE-----\nFAKE ${serialNumber}\n-----END CERTIFICATE-----\n`,
        thumbprintSha1: sha1,
        thumbprintSha256: createHash("sha256").update(serialNumber).digest("base64url"),
        serialNumber,
    };
};

/** A stand-in for the activation's create: the version is enabled; its outputs are its inputs. */
export const vaultKeyActivationStandIn: Issuer = (inputs) => ({ ...inputs });

export const SWEEP_TYPE = "pulumi-nodejs:dynamic/vendor-connections:Sweep";

/**
 * The sweep of a tenant that nobody changes outside the stack: nothing is stray. The simulator has
 * no tenant, so this stands in for the sweep's provider unless a test names another issuer, and
 * the sweep's inputs changing (a new certificate's thumbprint) is a same, as the real provider's
 * diff answers when nothing is stray (components/sweep/provider.ts). tests/sweep/provider.test.ts
 * runs the real provider against a stand-in Graph.
 */
export const quietTenantSweep: Issuer = (inputs) => ({ ...inputs, strays: [], removed: [], missing: [] });

/**
 * Stand-ins used for dynamic types no `issuers` entry names: the sweep needs a tenant, and the
 * vault-key resources a vault (tests/vaultKey runs their real providers against a stand-in vault).
 */
export const DEFAULT_ISSUERS: Readonly<Record<string, Issuer>> = {
    [SWEEP_TYPE]: quietTenantSweep,
    [VAULT_KEY_CERTIFICATE_TYPE]: fakeVaultKeyIssuer,
    [VAULT_KEY_ACTIVATION_TYPE]: vaultKeyActivationStandIn,
};

/** Dynamic types whose default stand-in's diff never sees a change (see quietTenantSweep). */
export const QUIET_TYPES: ReadonlySet<string> = new Set([SWEEP_TYPE]);
