import type * as pulumi from "@pulumi/pulumi";
import { formatIssue } from "../errors";
import { buildCertificate } from "./engine";
import type { IssuedCertificate } from "./issue";
import { CertificateInputs, INPUT_NAMES, certificateInputIssues, effectiveKeySize, toCertificateRequest } from "./inputs";

/** What a Certificate keeps in state: its inputs (keySize resolved), the artifacts, and when. */
export interface CertificateOutputs extends IssuedCertificate {
    commonName: string;
    organization?: string;
    keySize: number;
    identity: string;
    /**
     * The real instant of creation (RFC 3339); state only, never an input, or every deploy would see
     * a change (docs/architecture.md#component-design-rules: no randomness or Date.now in inputs).
     */
    issuedAt: string;
}

/**
 * The Certificate's dynamic provider. Pulumi serializes this object and everything its methods
 * reach into the resource's `__provider` input, then runs it in a separate host process where no
 * TypeScript and no module of this library can be loaded, from the consumer's project directory:
 * what the methods call must be plain functions (serialized with them), and the only modules they
 * may require are Node's built-ins (engine.ts). tests/certificate/resource.test.ts loads that
 * serialized text and issues a real certificate; tests/certificate/portableProvider.test.ts does so
 * from a directory outside this repository, where no third-party module resolves.
 *
 * Certificates are immutable, so there is no update: every input change is a replacement, created
 * before the old one is deleted so that a rotation never leaves a connection without a credential
 * (docs/architecture.md#rotation-invariants, 1: continuity).
 */
export const certificateProvider: pulumi.dynamic.ResourceProvider<CertificateInputs, CertificateOutputs> = {
    async check(_olds, news) {
        const failures = certificateInputIssues(news as unknown as Record<string, unknown>).map((issue) => ({
            property: issue.path,
            reason: issue.message,
        }));
        return { inputs: news, failures };
    },

    async diff(_id, olds, news) {
        // `__provider` is deliberately not compared: a new version of this code must not replace
        // every certificate (the host does not compare it either).
        const replaces = INPUT_NAMES.filter((key) => {
            const before = key === "keySize" ? effectiveKeySize(olds.keySize) : olds[key];
            const after = key === "keySize" ? effectiveKeySize(news.keySize) : news[key];
            return before !== after;
        });
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(inputs) {
        const issues = certificateInputIssues(inputs as unknown as Record<string, unknown>);
        if (issues.length > 0) {
            throw new Error(`Certificate inputs are invalid:\n${issues.map(formatIssue).join("\n")}`);
        }
        const issued = await buildCertificate(toCertificateRequest(inputs));
        const outs: CertificateOutputs = {
            commonName: inputs.commonName,
            ...(inputs.organization !== undefined ? { organization: inputs.organization } : {}),
            keySize: effectiveKeySize(inputs.keySize) as number,
            identity: inputs.identity,
            ...issued,
            issuedAt: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
        };
        // The SHA-1 thumbprint is how Entra, Key Vault and Windows name a certificate.
        return { id: issued.thumbprintSha1, outs };
    },

    async read(id, props) {
        // Nothing exists outside the state to refresh from: the state is the certificate.
        return { id, props };
    },

    async delete() {
        // Nothing to delete remotely: the key material lives only in this state and in the
        // resources that copied it (Key Vault secret, key credential), which are deleted on their own.
    },
};
