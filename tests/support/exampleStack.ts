import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";
import { PROJECT } from "../../cli/config/stackConfig";

// The example stack's configuration (Pulumi.dev.yaml), as tests read it.

/** Every key of Pulumi.dev.yaml's `config:`, with its namespace (`vendor-connections:vault`, `azure-native:location`). */
export function exampleConfig(): Record<string, any> {
    return parse(readFileSync(resolve(__dirname, "..", "..", "Pulumi.dev.yaml"), "utf8")).config;
}

/** The project's own keys, without the `vendor-connections:` prefix: what parseStackConfig takes. */
export function exampleProjectConfig(): Record<string, unknown> {
    const prefix = `${PROJECT}:`;
    return Object.fromEntries(
        Object.entries(exampleConfig())
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => [key.slice(prefix.length), value]),
    );
}
