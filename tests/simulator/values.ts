import * as pulumi from "@pulumi/pulumi";
import { isSecretWrapper } from "../../cli/plan/offlineEngine";

// Property values as they cross the resource monitor: plain JSON in which a secret is the wrapper
// `{ [specialSigKey]: specialSecretSig, value }` and a resource reference, asset or archive is a
// signature object. Comparisons unwrap secrets (secretness is not an input change) and compare
// everything else structurally, so a resource reference compares by URN.

export type PropertyMap = Record<string, unknown>;

const SIG = pulumi.runtime.specialSigKey;
const SECRET = pulumi.runtime.specialSecretSig;

export { isSecretWrapper };

export function wrapSecret(value: unknown): unknown {
    return isSecretWrapper(value) ? value : { [SIG]: SECRET, value };
}

/** A deep copy with every secret wrapper replaced by its value. */
export function unwrapSecrets(value: unknown): unknown {
    if (isSecretWrapper(value)) {
        return unwrapSecrets(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (typeof value === "object" && value !== null) {
        const out: PropertyMap = {};
        for (const [k, v] of Object.entries(value)) {
            out[k] = unwrapSecrets(v);
        }
        return out;
    }
    return value;
}

export function unwrapMap(map: PropertyMap): PropertyMap {
    return unwrapSecrets(map) as PropertyMap;
}

/** Top-level property names whose value is (or contains) a secret. */
export function secretKeys(map: PropertyMap): string[] {
    return Object.keys(map).filter((k) => containsSecret(map[k]));
}

function containsSecret(value: unknown): boolean {
    if (isSecretWrapper(value)) {
        return true;
    }
    if (typeof value === "object" && value !== null) {
        return Object.values(value).some(containsSecret);
    }
    return false;
}

/** Structural equality that ignores secretness and treats a missing key like an undefined one. */
export function deepEqual(a: unknown, b: unknown): boolean {
    if (isSecretWrapper(a)) {
        return deepEqual(a.value, b);
    }
    if (isSecretWrapper(b)) {
        return deepEqual(a, b.value);
    }
    if (a === b) {
        return true;
    }
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
        return false;
    }
    if (Array.isArray(a) !== Array.isArray(b)) {
        return false;
    }
    if (Array.isArray(a)) {
        const bs = b as unknown[];
        return a.length === bs.length && a.every((v, i) => deepEqual(v, bs[i]));
    }
    const ao = a as PropertyMap;
    const bo = b as PropertyMap;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    for (const k of keys) {
        if (!deepEqual(ao[k], bo[k])) {
            return false;
        }
    }
    return true;
}

/** Top-level keys whose values differ (secretness ignored), excluding `ignore`. */
export function changedKeys(olds: PropertyMap, news: PropertyMap, ignore: ReadonlySet<string>): string[] {
    const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
    return [...keys].filter((k) => !ignore.has(k) && !deepEqual(olds[k], news[k]));
}

/**
 * A copy that a protobuf Struct can carry, as the engine would store it: undefined properties are
 * dropped (the engine treats them as absent), undefined array elements become null, Dates become
 * RFC 3339 strings. Anything else that is not JSON (functions, class instances) is an error.
 */
export function toWire(value: unknown, path = "outputs"): unknown {
    if (value === null || typeof value === "string" || typeof value === "boolean") {
        return value;
    }
    if (typeof value === "number") {
        if (!Number.isFinite(value)) {
            throw new Error(`simulator: ${path} is ${value}, which a resource property cannot hold`);
        }
        return value;
    }
    if (value instanceof Date) {
        return value.toISOString();
    }
    if (Array.isArray(value)) {
        return value.map((v, i) => (v === undefined ? null : toWire(v, `${path}[${i}]`)));
    }
    if (typeof value === "object" && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
        const out: PropertyMap = {};
        for (const [k, v] of Object.entries(value)) {
            if (v !== undefined) {
                out[k] = toWire(v, `${path}.${k}`);
            }
        }
        return out;
    }
    throw new Error(`simulator: ${path} is a ${typeof value === "object" ? value.constructor?.name : typeof value}, which a resource property cannot hold`);
}

export function toWireMap(map: PropertyMap, path: string): PropertyMap {
    return toWire(map, path) as PropertyMap;
}
