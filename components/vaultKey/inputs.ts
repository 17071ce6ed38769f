import { IssueCollector, ValidationIssue, orList } from "../errors";
import { UNKNOWN, certificateInputIssues } from "../certificate/inputs";
import { KEY_SIZES } from "../certificate/limits";
import { KEY_VAULT_OBJECT_NAME, KEY_VAULT_OBJECT_NAME_RULE } from "../keyVault/objectNames";
import { checkHttpsUrl } from "../url";
import { VAULT_KEY_ACTIVATION_INPUT_NAMES, VAULT_KEY_CERTIFICATE_INPUT_NAMES, VaultKeyActivationInputs, VaultKeyCertificateInputs } from "./model";

// What the vault-key resources accept, judged from the inputs alone (the providers' check runs in
// every preview and must not reach Key Vault), and again before a provider acts. A value a preview
// does not know yet is judged once it is known. The certificate's own inputs (common name,
// organization, key size, validity, identity) are judged exactly as the Certificate resource's.

/** Every problem with a VaultKeyCertificate's inputs, located by input name, in input order. */
export function vaultKeyCertificateInputIssues(inputs: Readonly<Record<string, unknown>>): ValidationIssue[] {
    const issues = new IssueCollector();
    vaultAndKeyIssues(inputs, issues);
    if (inputs.keySize === undefined || inputs.keySize === null) {
        issues.add("keySize", `is required; use ${orList(KEY_SIZES)}.`);
    }
    if (inputs.hardwareProtected !== UNKNOWN && typeof inputs.hardwareProtected !== "boolean") {
        issues.add("hardwareProtected", `must be true (an RSA-HSM key, in a Premium vault) or false (an RSA key); got ${spell(inputs.hardwareProtected)}.`);
    }
    return inInputOrder([...issues.issues, ...certificateInputIssues(inputs)], VAULT_KEY_CERTIFICATE_INPUT_NAMES);
}

/** Every problem with a VaultKeyActivation's inputs, located by input name, in input order. */
export function vaultKeyActivationInputIssues(inputs: Readonly<Record<string, unknown>>): ValidationIssue[] {
    const issues = new IssueCollector();
    vaultAndKeyIssues(inputs, issues);
    const { keyVersion } = inputs;
    if (keyVersion !== UNKNOWN && !(typeof keyVersion === "string" && KEY_VERSION.test(keyVersion))) {
        issues.add("keyVersion", `must be a key version as Key Vault names it (letters and digits, 32 hexadecimal digits today); got ${spell(keyVersion)}.`);
    }
    return inInputOrder([...issues.issues], VAULT_KEY_ACTIVATION_INPUT_NAMES);
}

/** The inputs alone, without what else the engine passes along (`__provider`, earlier outputs). */
export function vaultKeyCertificateInputsOf(props: VaultKeyCertificateInputs): VaultKeyCertificateInputs {
    const { vaultUri, keyName, keySize, hardwareProtected, commonName, organization, notBefore, notAfter, identity } = props;
    return { vaultUri, keyName, keySize, hardwareProtected, commonName, ...(organization === undefined ? {} : { organization }), notBefore, notAfter, identity };
}

export function vaultKeyActivationInputsOf(props: VaultKeyActivationInputs): VaultKeyActivationInputs {
    const { vaultUri, keyName, keyVersion } = props;
    return { vaultUri, keyName, keyVersion };
}

// A version is a path segment of the requests about it; Key Vault's are 32 hexadecimal digits.
const KEY_VERSION = /^[0-9a-zA-Z]{1,64}$/;

function vaultAndKeyIssues(inputs: Readonly<Record<string, unknown>>, issues: IssueCollector): void {
    const { vaultUri, keyName } = inputs;
    if (vaultUri !== UNKNOWN) {
        const https = checkHttpsUrl(vaultUri, "vaultUri", issues, "Key Vault answers on https only, and the deploying identity's token travels there.", VAULT_URI_EXAMPLE);
        if (https !== undefined && !isVaultOrigin(https)) {
            // Only the origin is echoed: a query may carry a key.
            issues.add(
                "vaultUri",
                `has a path, a query or a fragment after ${JSON.stringify(new URL(https).origin)}; give the vault's URI alone, as VendorVault's vaultUri output has it, e.g. ${VAULT_URI_EXAMPLE}.`,
            );
        }
    }
    if (keyName !== UNKNOWN && !(typeof keyName === "string" && KEY_VAULT_OBJECT_NAME.test(keyName))) {
        issues.add("keyName", `${spell(keyName)} is not a Key Vault key name; use ${KEY_VAULT_OBJECT_NAME_RULE}.`);
    }
}

const VAULT_URI_EXAMPLE = "https://kv-vendors.vault.azure.net/";

function isVaultOrigin(uri: string): boolean {
    const url = new URL(uri);
    return (url.pathname === "/" || url.pathname === "") && url.search === "" && url.hash === "" && url.username === "" && url.password === "";
}

function inInputOrder(issues: ValidationIssue[], names: readonly string[]): ValidationIssue[] {
    return issues.sort((a, b) => names.indexOf(a.path) - names.indexOf(b.path));
}

function spell(value: unknown): string {
    return JSON.stringify(value) ?? "nothing";
}
