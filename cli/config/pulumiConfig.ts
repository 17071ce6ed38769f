import * as pulumi from "@pulumi/pulumi";
import { PROJECT, StackConfig, parseStackConfig } from "./stackConfig";

/**
 * Reads every `vendor-connections:*` key of the current stack and validates it for a deploy at
 * `now`. Unknown keys in the project's namespace are reported too: they are usually typos that
 * would otherwise be silently ignored.
 */
export function readStackConfig(now: Date): StackConfig {
    const prefix = `${PROJECT}:`;
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (key.startsWith(prefix)) {
            raw[key.slice(prefix.length)] = decodeConfigValue(value);
        }
    }
    return parseStackConfig(raw, now);
}

// Pulumi hands structured config values to programs as JSON text and plain strings as-is.
function decodeConfigValue(value: string): unknown {
    const trimmed = value.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            return value;
        }
    }
    return value;
}
