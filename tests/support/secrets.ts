// Secret values reach mocks wrapped in Pulumi's wire format: { [sig]: SECRET_SIG, value }.
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretValue(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** The value with every secret wrapper removed. */
export function unwrapSecrets(value: unknown): unknown {
    if (isSecretValue(value)) {
        return unwrapSecrets(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

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
