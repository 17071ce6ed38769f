import { IssueCollector } from "../errors";
import { SweepMode } from "./choices";

// How a connection's sweep treats what its stack does not declare on the application and service
// principal (docs/security.md#the-sweep):
//   enforce  every deploy removes it (the default: no foothold survives a deploy);
//   report   every deploy lists it in the connection's `strays` output and warns, removing nothing
//            (to look before turning enforce on, or while another tool owns some of it);
//   off      no sweep: nothing is read or removed.

export const SWEEP_MODES: readonly SweepMode[] = Object.values(SweepMode);
export const DEFAULT_SWEEP_MODE: SweepMode = SweepMode.Enforce;

/** The mode `value` names, or undefined after reporting at `path` what is allowed; undefined value is the default. */
export function checkSweepMode(value: unknown, path: string, issues: IssueCollector): SweepMode | undefined {
    if (value === undefined) {
        return DEFAULT_SWEEP_MODE;
    }
    if (typeof value === "string" && (SWEEP_MODES as readonly string[]).includes(value)) {
        return value as SweepMode;
    }
    issues.add(path, `${JSON.stringify(value)} is not allowed; use ${SWEEP_MODES.join(", ")} (default ${DEFAULT_SWEEP_MODE}).`);
    return undefined;
}
