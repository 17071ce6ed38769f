// Secret values reach mocks wrapped in Pulumi's wire format: { [sig]: SECRET_SIG, value }. The
// wire-format helpers live with the simulator, which needs them too.
import { isSecretWrapper, unwrapSecrets } from "../simulator/values";

export { unwrapSecrets };
export const isSecretValue = isSecretWrapper;

/**
 * Paths of strings that satisfy `matches` and are NOT inside a secret wrapper: where key material
 * would leak into plain state. An empty result means every match is secret.
 */
export function plainMatches(value: unknown, matches: (text: string) => boolean, path = ""): string[] {
    if (isSecretValue(value)) {
        return [];
    }
    if (typeof value === "string") {
        return matches(value) ? [path || "(root)"] : [];
    }
    if (Array.isArray(value)) {
        return value.flatMap((v, i) => plainMatches(v, matches, `${path}[${i}]`));
    }
    if (typeof value === "object" && value !== null) {
        return Object.entries(value).flatMap(([k, v]) => plainMatches(v, matches, path ? `${path}.${k}` : k));
    }
    return [];
}

/** Every string anywhere in the value, secret or not. */
export function allStrings(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (Array.isArray(value)) {
        return value.flatMap(allStrings);
    }
    if (typeof value === "object" && value !== null) {
        return Object.values(value).flatMap(allStrings);
    }
    return [];
}

/** A private key in the forms a vault-key test could meet one: a PEM block, or the private members of an RSA JWK. */
export const PRIVATE_KEY_MATERIAL = /PRIVATE KEY|"(d|p|q|dp|dq|qi)"\s*:/;
