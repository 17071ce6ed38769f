import { MAX_NAME_LENGTH } from "../certificate/limits";
import { IssueCollector, joinPath } from "../errors";
import { ResolvedPermission, isGuid, resolvePermissions } from "../permissions";
import {
    CertificatePolicy,
    CertificatePolicyInput,
    CertificateSchedule,
    parseRevocationCutoff,
    resolveCertificatePolicy,
    resolveRevocationCutoff,
    scheduleCertificates,
} from "../rotation";
import { CredentialPlan, CredentialSettings, credentialTypeOf, planCredential, rejectUnusedSettings } from "./credentialPlan";
import { AllowedNetworksPlan, planAllowedNetworks } from "./networkPolicyPlan";
import { checkIpRanges } from "../network";
import { KEY_VAULT_OBJECT_NAME, KEY_VAULT_OBJECT_NAME_RULE } from "../keyVault/objectNames";
import { vaultFirewallRangeRules } from "../vault/validation";
import { NotifyPlan, NotifySettings, planNotify } from "./notifyPlan";
import type { SweepMode } from "./choices";
import { checkSweepMode } from "./sweepMode";

/** The plain (non-Input) settings of a connection: they decide which resources exist. */
export interface ConnectionSettings {
    readonly permissions: readonly { readonly api: string; readonly roles: readonly string[] }[];
    readonly grantConsent?: boolean;
    readonly certificate?: CertificatePolicyInput;
    readonly revokeIssuedBefore?: string | Date | readonly (string | Date | undefined)[];
    readonly suspended?: boolean;
    readonly readers?: readonly string[];
    readonly secretName?: string;
    /** `{ type: "federated", issuer, subject, audiences?, trustedFrom }` or `{ type: "vaultKey", hardwareProtected? }` instead of certificates. Default: certificates. */
    readonly credential?: CredentialSettings;
    /** IP ranges the service principal may sign in from (Conditional Access). Default: anywhere. */
    readonly allowedIpRanges?: readonly string[];
    /** Public IPv4 ranges the readers fetch the certificate from. Default: the IPv4 `allowedIpRanges`. */
    readonly readerIpRanges?: readonly string[];
    /** `enabled` (block elsewhere) or `reportOnly` (log only). Default: enabled. */
    readonly allowedIpRangesState?: string;
    /** Rotation notices to the vendor's webhook. Default: none. */
    readonly notify?: NotifySettings;
    /** Object ids of the application's owners; plain entries are checked, Outputs left to Entra. */
    readonly owners?: unknown;
    /** `enforce` (remove what the stack does not declare), `report` or `off`. Default: enforce. */
    readonly sweep?: string;
}

/** A connection's settings, checked and resolved against a deploy instant. */
export interface ConnectionPlan {
    /** The vault secret holding the active certificate; undefined unless the credential is a certificate (federated and vault-key connections keep no secret). */
    readonly secretName: string | undefined;
    readonly credential: CredentialPlan;
    /** Where the service principal may sign in from; undefined when anywhere. */
    readonly allowedNetworks: AllowedNetworksPlan | undefined;
    /** Where the readers fetch the certificate from, as CIDR; undefined unless `readerIpRanges` is given. */
    readonly readerIpRanges: readonly string[] | undefined;
    readonly notify: NotifyPlan | undefined;
    readonly permissions: readonly ResolvedPermission[];
    readonly grantConsent: boolean;
    readonly policy: CertificatePolicy | undefined;
    readonly schedule: CertificateSchedule | undefined;
    readonly readers: readonly string[];
    readonly suspended: boolean;
    readonly revokeIssuedBefore: Date | undefined;
    readonly sweep: SweepMode;
}

/**
 * Every setting the judgement reads, besides `owners`: the key a judgement is kept under covers
 * exactly these, so a setting missing here would let two different settings share one plan
 * (tests/vendorConnection/plan.test.ts holds it equal to the stack config's settings).
 */
export const JUDGED_SETTINGS: readonly string[] = [
    "permissions",
    "grantConsent",
    "certificate",
    "revokeIssuedBefore",
    "suspended",
    "readers",
    "secretName",
    "credential",
    "allowedIpRanges",
    "allowedIpRangesState",
    "readerIpRanges",
    "notify",
    "sweep",
];

/** The secret that holds a connection's active certificate, unless the caller names one. */
export function defaultSecretName(connectionName: string): string {
    return `${connectionName}-certificate`;
}

/**
 * Checks every plain setting of connection `name` at once and resolves it for the deploy instant
 * `now`. `path` locates the settings in the caller's terms (`connections.acme` in stack config,
 * empty for component arguments). Throws one ValidationError listing every problem.
 *
 * Settings are judged once per program: a stack that judges its configuration first, to report
 * problems by config path and to plan what only a whole stack can (the vault firewall), hands the
 * same settings to VendorConnection, whose call gets that judgement back instead of judging again.
 * The judgement is pure, so equal settings of the same connection at the same instant always make
 * an equal plan; `path` only names problems, and a plan is kept only when there were none. Each
 * caller gets its own copy, so no caller can change what another is given.
 */
export function planConnection(name: string, settings: ConnectionSettings, now: Date, path = ""): ConnectionPlan {
    const key = judgementKey(name, settings, now);
    let plan = judgedPlans.get(key);
    if (plan === undefined) {
        plan = judgeConnection(name, settings, now, path);
        judgements += 1;
        judgedPlans.set(key, plan);
        if (judgedPlans.size > MAX_JUDGED_PLANS) {
            judgedPlans.delete(judgedPlans.keys().next().value!);
        }
    }
    return structuredClone(plan);
}

/**
 * Forgets every kept judgement. For a test runner that runs changed versions of this code in one
 * process (mutation testing): a kept judgement is the judgement of the code that made it.
 */
export function forgetJudgements(): void {
    judgedPlans.clear();
}

/** How many judgements this process has made; a plan given back again counts none. For tests and benchmarks. */
export function connectionJudgements(): number {
    return judgements;
}

// Two entries per connection at most (its own settings, and with a tenant-wide cutoff) is all a
// program needs; the bound, far above any stack's size, keeps a long-lived process (tests,
// benchmarks) from holding every plan it ever made.
const MAX_JUDGED_PLANS = 10_000;
const judgedPlans = new Map<string, ConnectionPlan>();
let judgements = 0;

/**
 * Everything the judgement reads, as text: the name, the instant, and the known settings, with
 * Dates by instant. What it does not judge (an Output among `owners`, Entra's to check) is left
 * out: it cannot change the plan. Unknown keys are left out too; they never reach a plan.
 */
function judgementKey(name: string, settings: ConnectionSettings, now: Date): string {
    const judgedSettings = Object.fromEntries([...JUDGED_SETTINGS, "owners"].map((key) => [key, canonical((settings as unknown as Record<string, unknown>)[key])]));
    return JSON.stringify([name, now.getTime(), judgedSettings]);
}

function canonical(value: unknown): unknown {
    if (value instanceof Date) {
        return { instant: value.getTime() };
    }
    if (Array.isArray(value)) {
        return value.map(canonical);
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype) {
        return "unjudged"; // an Output or a Promise: Entra's to check, so not part of the key
    }
    return Object.fromEntries(
        Object.keys(value)
            .sort()
            .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
}

function judgeConnection(name: string, settings: ConnectionSettings, now: Date, path: string): ConnectionPlan {
    const issues = new IssueCollector();
    const at = (key: string | number) => joinPath(path, key as string);

    const credentialType = credentialTypeOf(settings.credential, path, issues);
    const federated = credentialType === "federated";
    if (credentialType !== undefined) {
        rejectUnusedSettings(credentialType, settings as unknown as Record<string, unknown>, path, issues);
    }

    // Only a certificate connection publishes its certificate in a secret.
    const secretName = federated || credentialType === "vaultKey" ? undefined : (settings.secretName ?? defaultSecretName(name));
    if (secretName !== undefined && !KEY_VAULT_OBJECT_NAME.test(secretName)) {
        issues.add(
            settings.secretName === undefined ? path || "name" : at("secretName"),
            `${JSON.stringify(secretName)} is not a valid Key Vault secret name; use ${KEY_VAULT_OBJECT_NAME_RULE}` +
                (settings.secretName === undefined ? ` (the secret is named "<connection name>-certificate")` : "") +
                ".",
        );
    }

    // The connection's name is its certificates' subject common name (stable under renames).
    if (!federated && name.length > MAX_NAME_LENGTH) {
        issues.add(
            path || "name",
            `${JSON.stringify(name)} is ${name.length} characters long; a certificate connection's name is its certificates' common name, so use at most ${MAX_NAME_LENGTH}.`,
        );
    }

    const permissions = issues.collect(() => resolvePermissions(settings.permissions, at("permissions"))) ?? [];
    // A federated connection has no certificate policy (a policy given is reported above).
    const policy = federated ? undefined : issues.collect(() => resolveCertificatePolicy(settings.certificate, at("certificate")));

    const cutoffs = cutoffList(settings.revokeIssuedBefore).map((value, index, all) => {
        const cutoffPath = all.length > 1 ? joinPath(at("revokeIssuedBefore"), index) : at("revokeIssuedBefore");
        return value === undefined ? undefined : issues.collect(() => parseRevocationCutoff(value, cutoffPath));
    });

    const readers = settings.readers ?? [];
    readers.forEach((reader, index) => {
        if (typeof reader !== "string" || !isGuid(reader)) {
            issues.add(joinPath(at("readers"), index), notAnObjectId(reader));
        }
    });
    const seen = new Set<string>();
    readers.forEach((reader, index) => {
        const key = String(reader).toLowerCase();
        if (seen.has(key)) {
            issues.add(joinPath(at("readers"), index), `${reader} is listed twice; list each reader once.`);
        }
        seen.add(key);
    });
    if (Array.isArray(settings.owners)) {
        settings.owners.forEach((owner: unknown, index) => {
            // An Output (a component argument) is Entra's to check at deploy time.
            if (typeof owner === "string" && !isGuid(owner)) {
                issues.add(joinPath(at("owners"), index), notAnObjectId(owner));
            }
        });
    }

    for (const key of ["grantConsent", "suspended"] as const) {
        const value = settings[key];
        if (value !== undefined && typeof value !== "boolean") {
            issues.add(at(key), `${JSON.stringify(value)} is not allowed; use true or false.`);
        }
    }

    // Checked on its own so that a future cutoff is reported even when the policy is invalid.
    let cutoffsValid = false;
    const cutoff = issues.collect(() => {
        const effective = resolveRevocationCutoff(cutoffs, now, at("revokeIssuedBefore"));
        cutoffsValid = true;
        return effective;
    });
    const suspended = settings.suspended === true;
    // The schedule checks the cutoffs again; skip it when they are already reported.
    const schedule = policy === undefined || !cutoffsValid ? undefined : issues.collect(() => scheduleCertificates({ policy, now, revokeIssuedBefore: cutoffs, suspended, path }));

    const credential: CredentialPlan | undefined =
        credentialType === undefined ? undefined : planCredential(credentialType, name, settings.credential, { now, cutoff, suspended }, path, issues);
    const allowedNetworks = planAllowedNetworks(settings, path, issues);
    // Checked as the vault firewall will take them; a federated connection's are reported above.
    const readerIpRanges = federated
        ? undefined
        : checkIpRanges(
              settings.readerIpRanges,
              at("readerIpRanges"),
              issues,
              vaultFirewallRangeRules(
                  "which would admit no reader to the vault; omit it to admit the IPv4 allowedIpRanges, or list the ranges the readers fetch from.",
                  "list the readers' own egress ranges.",
              ),
          );
    if (readerIpRanges !== undefined && readers.length === 0) {
        issues.add(at("readerIpRanges"), `applies only together with ${at("readers")}: it is where the readers fetch the certificate from.`);
    }
    const notify = secretName === undefined ? undefined : planNotify(name, settings.notify, secretName, path, issues);
    const sweep = checkSweepMode(settings.sweep, at("sweep"), issues);

    issues.throwIfAny();
    return {
        secretName,
        credential: credential!,
        allowedNetworks,
        readerIpRanges,
        notify,
        permissions,
        grantConsent: settings.grantConsent ?? true,
        policy,
        schedule,
        readers: readers.map((r) => r.toLowerCase()),
        suspended,
        revokeIssuedBefore: cutoff,
        sweep: sweep!,
    };
}

function cutoffList(value: ConnectionSettings["revokeIssuedBefore"]): readonly (string | Date | undefined)[] {
    if (value === undefined) {
        return [];
    }
    return Array.isArray(value) ? value : [value as string | Date];
}

/** The message for a value that should be an Entra object id. */
export function notAnObjectId(value: unknown): string {
    return `${JSON.stringify(value)} is not an Entra object id; use a GUID such as 00000000-0000-0000-0000-000000000000.`;
}
