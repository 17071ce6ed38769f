import * as pulumi from "@pulumi/pulumi";
import { ValidationError } from "../errors";
import { UNKNOWN, certificateInputIssues } from "./inputs";
import { certificateProvider } from "./provider";

/**
 * The Certificate's type token. Permanent: changing it (or the module/type passed to
 * dynamic.Resource below) would replace every live certificate
 * (docs/architecture.md#component-design-rules: type tokens are permanent).
 */
export const CERTIFICATE_RESOURCE_TYPE = "pulumi-nodejs:dynamic/vendor-connections:Certificate";

/** The outputs that hold key material: secret in state, never in plan output (docs/security.md#where-key-material-exists). */
const SECRET_OUTPUTS = ["privateKeyPem", "pfxBase64"];

/**
 * Validity is two explicit RFC 3339 instants computed by the pure rotation schedule, not a lifetime
 * resolved to dates when the certificate is created, because then:
 * - the dates are known at preview, so `pulumi preview` is honest
 *   (docs/architecture.md#rotation-invariants, 7: honest preview) and the
 *   Entra key credential's start and end dates are known before deploy rather than unknown;
 * - `npm run plan` shows exact validity for any date it is asked about;
 * - the inputs change only when the schedule opens a new window
 *   (docs/architecture.md#rotation-invariants, 4: idempotence), while the real issue time, which
 *   cannot be an input, is kept in state as `issuedAt`.
 */
export interface CertificateArgs {
    /** Subject CN, 1 to 64 characters. */
    commonName: pulumi.Input<string>;
    /** Subject O, 1 to 64 characters. Default: none. */
    organization?: pulumi.Input<string>;
    /** RSA key size: 2048 (default), 3072 or 4096. */
    keySize?: pulumi.Input<number>;
    /** Start of validity, `YYYY-MM-DDTHH:MM:SSZ`, from the rotation schedule. */
    notBefore: pulumi.Input<string>;
    /** End of validity, `YYYY-MM-DDTHH:MM:SSZ`, after notBefore and at most 397 days later. */
    notAfter: pulumi.Input<string>;
    /**
     * Opaque identity chosen by the rotation schedule (e.g. the window a slot was issued for, or a
     * revocation epoch). Changing it asks for a new certificate even when nothing else changed.
     */
    identity: pulumi.Input<string>;
}

/**
 * A short-lived client certificate with its own RSA key, kept in Pulumi state
 * (docs/security.md#where-key-material-exists).
 * Any change of input replaces it, the new one created before the old one is deleted.
 */
export class Certificate extends pulumi.dynamic.Resource {
    // `declare`: with ES2022 class fields, a plain field declaration would be initialized to
    // undefined after super() and erase the Outputs that the Resource constructor created.
    declare public readonly certificatePem: pulumi.Output<string>;
    /** Secret. */
    declare public readonly privateKeyPem: pulumi.Output<string>;
    /** Secret. */
    declare public readonly pfxBase64: pulumi.Output<string>;
    declare public readonly thumbprintSha1: pulumi.Output<string>;
    declare public readonly thumbprintSha256: pulumi.Output<string>;
    declare public readonly serialNumber: pulumi.Output<string>;
    declare public readonly notBefore: pulumi.Output<string>;
    declare public readonly notAfter: pulumi.Output<string>;
    /** The real instant the certificate was issued, RFC 3339; kept in state, not an input. */
    declare public readonly issuedAt: pulumi.Output<string>;
    declare public readonly identity: pulumi.Output<string>;
    declare public readonly commonName: pulumi.Output<string>;
    declare public readonly organization: pulumi.Output<string | undefined>;
    declare public readonly keySize: pulumi.Output<number>;

    constructor(name: string, args: CertificateArgs, opts?: pulumi.CustomResourceOptions) {
        rejectBadPlainArgs(name, args);
        super(
            certificateProvider,
            name,
            {
                certificatePem: undefined,
                privateKeyPem: undefined,
                pfxBase64: undefined,
                thumbprintSha1: undefined,
                thumbprintSha256: undefined,
                serialNumber: undefined,
                issuedAt: undefined,
                organization: undefined,
                keySize: undefined,
                ...args,
            },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: SECRET_OUTPUTS }),
            "vendor-connections",
            "Certificate",
        );
    }
}

/**
 * Plain values are judged at once, so a bad literal fails where it is written
 * (docs/architecture.md#component-design-rules); values still to be computed are judged by the
 * provider's check, which Pulumi runs at preview.
 */
function rejectBadPlainArgs(name: string, args: CertificateArgs): void {
    const plain: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(args)) {
        plain[key] = pulumi.Output.isInstance(value) || isPromiseLike(value) ? UNKNOWN : value;
    }
    const issues = certificateInputIssues(plain);
    if (issues.length > 0) {
        throw new ValidationError(issues.map((issue) => ({ path: `${name}.${issue.path}`, message: issue.message })));
    }
}

function isPromiseLike(value: unknown): boolean {
    return typeof (value as { then?: unknown } | undefined)?.then === "function";
}
