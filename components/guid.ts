const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a GUID in its usual 8-4-4-4-12 hex spelling, any case: Entra's client and object ids. */
export function isGuid(value: string): boolean {
    return GUID.test(value);
}
