// What a provider runtime keeps for the whole process (a client, with its cached token), held on
// globalThis under a registered symbol so that every copy of the runtime loaded in one process
// shares it. Tests point a runtime elsewhere by setting its options global between runs; whatever
// was made from other options is then made again.

/**
 * The value kept under `key`, made by `make` from the options now under `optionsKey`, and made
 * again when those options are no longer the ones it was made from.
 */
export function keptForProcess<Options, Value>(key: symbol, optionsKey: symbol, make: (options: Options | undefined) => Value): Value {
    const globals = globalThis as unknown as Record<symbol, unknown>;
    const options = globals[optionsKey] as Options | undefined;
    const kept = globals[key] as { value: Value; options: Options | undefined } | undefined;
    if (kept !== undefined && kept.options === options) {
        return kept.value;
    }
    const value = make(options);
    globals[key] = { value, options };
    return value;
}
