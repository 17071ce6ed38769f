import { inspect } from "node:util";
import { IssueCollector, ValidationError, joinPath, orList } from "../errors";
import { WellKnownApi, findAppRole, findWellKnownApi, isClientId, wellKnownApis } from "./catalog";

/** Application permissions asked of one API: `{ api: "MicrosoftGraph", roles: ["User.Read.All"] }`. */
export interface PermissionRequest {
    /** A well-known API name (`MicrosoftGraph`, `Office365ExchangeOnline`) or an API's client id. */
    readonly api: string;
    /** Application permission values, e.g. `User.Read.All`. */
    readonly roles: readonly string[];
}

/** One application permission, checked and resolved as far as it can be before deployment. */
export interface ResolvedPermission {
    /**
     * The well-known name of the API (also when it was given by client id, so names derived from it
     * do not change with the spelling), or the client id given, in lower case.
     */
    readonly api: string;
    /** The API's application (client) id, lower case. */
    readonly apiClientId: string;
    /** The permission value, e.g. `User.Read.All`. */
    readonly role: string;
    /**
     * The app role id from the catalog. Undefined for a role the catalog does not list (an API given
     * by client id): it is resolved at deploy time from the tenant's service principal of the API.
     */
    readonly appRoleId: string | undefined;
    /** Whether the role reaches tenant-wide mailbox, file, directory or policy access. */
    readonly broad: boolean;
    /** Why it is broad; present exactly when `broad` is true. */
    readonly broadReason?: string;
}

/** A role's breadth: from the catalog, or for roles it does not list, from the role's name. */
export interface RoleBreadth {
    readonly broad: boolean;
    readonly reason?: string;
}

// For roles the catalog does not list, breadth is judged by name, erring towards "broad": the flag
// only draws a reviewer's attention, while a broad role reported as narrow would hide one.
const BROAD_PATTERNS: readonly { readonly pattern: RegExp; readonly reason: string }[] = [
    { pattern: /^full_access_as_app$/i, reason: "full access to every mailbox" },
    { pattern: /\.ReadWrite\.All$/i, reason: "writes every object of its kind in the tenant" },
    { pattern: /\.(FullControl|Manage)\.All$/i, reason: "manages every object of its kind in the tenant" },
    { pattern: /\.ReadWrite\.Directory$/i, reason: "changes directory-wide configuration" },
    { pattern: /^Mail\.Send(\.All)?$/i, reason: "sends mail as any user" },
    { pattern: /^(Mail|Calendars|Contacts|Tasks)\.(Read|ReadBasic|ReadWrite)(\.All)?$/i, reason: "reaches every mailbox" },
    { pattern: /^MailboxSettings\.ReadWrite(\.All)?$/i, reason: "changes the settings of every mailbox" },
    { pattern: /^(Files|Sites|Notes|Chat|ChatMessage|ChannelMessage)\.Read\.All$/i, reason: "reads content across the whole tenant" },
];

/** Breadth of `role` judged by its name alone. */
export function broadByName(role: string): RoleBreadth {
    const match = BROAD_PATTERNS.find(({ pattern }) => pattern.test(role));
    return match ? { broad: true, reason: match.reason } : { broad: false };
}

/**
 * Breadth of `role` of `api` (a well-known name or a client id): the catalog's judgement when it lists
 * the role, otherwise a judgement by name (`*.ReadWrite.All`, `full_access_as_app`, mailbox roles...).
 */
export function roleBreadth(api: string, role: string): RoleBreadth {
    const known = findWellKnownApi(api);
    const info = known ? findAppRole(known, role) : undefined;
    if (info) {
        return info.broad ? { broad: true, reason: info.broadReason } : { broad: false };
    }
    return broadByName(role);
}

/** Whether `role` of `api` grants tenant-wide mailbox, file, directory or policy access. */
export function isBroadRole(api: string, role: string): boolean {
    return roleBreadth(api, role).broad;
}

// Microsoft Graph's appRole.value: at most 120 characters; letters, digits and
// ! # $ % & ' ( ) * + , - . / : ; < = > ? @ [ ] ^ _ ` { | } ~ ; no spaces; not starting with "."
// (https://learn.microsoft.com/graph/api/resources/approle).
const APP_ROLE_VALUE = /^[A-Za-z0-9!#$%&'()*+,\-./:;<=>?@[\]^_`{|}~]{1,120}$/;

/** Whether `value` could be an app role's value, as Entra allows them. */
export function isPlausibleAppRoleValue(value: string): boolean {
    return APP_ROLE_VALUE.test(value) && !value.startsWith(".");
}

const EXAMPLE = `[{ api: "MicrosoftGraph", roles: ["User.Read.All"] }]`;
const KNOWN_KEYS = new Set(["api", "roles"]);

function knownNames(): string {
    return wellKnownApis.map((known) => known.name).join(" or ");
}

/**
 * Checks a connection's application permissions and resolves each role to its app role id where the
 * catalog knows it. `path` locates the list in the caller's terms (`connections.acme.permissions`).
 * Collects every problem and throws one ValidationError: a missing or empty list, an entry that is
 * not `{ api, roles }`, an API that is neither well known nor a client id, an API listed twice (by
 * name and by client id alike), an empty or duplicated role, a role the catalog does not list for an
 * API named by its well-known name, or a role value Entra could not have.
 *
 * An API given by client id may ask for roles the catalog does not list (also for a well-known API):
 * those come back with `appRoleId` undefined, to be resolved from the tenant at deploy time.
 */
export function resolvePermissions(permissions: readonly PermissionRequest[] | undefined, path: string): ResolvedPermission[] {
    const issues = new IssueCollector();
    const subject = path || "permissions";
    if (permissions === undefined || permissions === null) {
        throw new ValidationError([{ path: subject, message: `is missing; list the application permissions to grant, e.g. ${EXAMPLE}.` }]);
    }
    if (!Array.isArray(permissions)) {
        throw new ValidationError([{ path: subject, message: `${quote(permissions)} is not a list; use e.g. ${EXAMPLE}.` }]);
    }
    if (permissions.length === 0) {
        issues.add(subject, `must list at least one application permission, e.g. ${EXAMPLE}.`);
    }

    const resolved: ResolvedPermission[] = [];
    const firstIndexOfApi = new Map<string, number>();
    permissions.forEach((entry: unknown, index) => {
        const at = joinPath(subject, index);
        if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
            issues.add(at, `${quote(entry)} is not a permission; use { api, roles }, e.g. { api: "MicrosoftGraph", roles: ["User.Read.All"] }.`);
            return;
        }
        const request = entry as Record<string, unknown>;
        for (const key of Object.keys(request)) {
            if (!KNOWN_KEYS.has(key)) {
                issues.add(joinPath(at, key), `is not a permission setting; use api and roles.`);
            }
        }

        const target = resolveApi(request.api, joinPath(at, "api"), issues);
        if (target) {
            const first = firstIndexOfApi.get(target.clientId);
            if (first !== undefined) {
                issues.add(joinPath(at, "api"), `${target.name} is already listed at ${joinPath(subject, first)}; list each API once, with all its roles.`);
            } else {
                firstIndexOfApi.set(target.clientId, index);
            }
        }

        const rolesPath = joinPath(at, "roles");
        const roles = request.roles;
        if (roles === undefined || roles === null) {
            issues.add(rolesPath, `is missing; list the application permissions of ${target?.name ?? "this API"} to grant, e.g. ["User.Read.All"].`);
            return;
        }
        if (!Array.isArray(roles)) {
            issues.add(rolesPath, `${quote(roles)} is not a list of permission values; use e.g. ["User.Read.All"].`);
            return;
        }
        if (roles.length === 0) {
            issues.add(rolesPath, `must list at least one application permission of ${target?.name ?? "this API"}.`);
        }
        const firstIndexOfRole = new Map<string, number>();
        roles.forEach((role: unknown, roleIndex) => {
            const rolePath = joinPath(rolesPath, roleIndex);
            if (typeof role !== "string" || role.trim() === "") {
                issues.add(rolePath, `${quote(role)} is not a permission value; use a value such as "User.Read.All".`);
                return;
            }
            const first = firstIndexOfRole.get(role);
            if (first !== undefined) {
                issues.add(rolePath, `${JSON.stringify(role)} is already listed at ${joinPath(rolesPath, first)}; list each permission once.`);
                return;
            }
            firstIndexOfRole.set(role, roleIndex);
            if (!target) {
                return;
            }
            const permission = resolveRole(target, role, rolePath, issues);
            if (permission) {
                resolved.push(permission);
            }
        });
    });

    issues.throwIfAny();
    return resolved;
}

interface ApiTarget {
    readonly name: string;
    readonly clientId: string;
    readonly known: WellKnownApi | undefined;
    /** Named by its well-known name: only the catalog's roles are accepted. */
    readonly byName: boolean;
}

function resolveApi(api: unknown, at: string, issues: IssueCollector): ApiTarget | undefined {
    const allowed = `use a well-known API (${knownNames()}) or an API's client id, a GUID such as 00000003-0000-0000-c000-000000000000`;
    if (typeof api !== "string" || api.trim() === "") {
        issues.add(at, api === undefined ? `is missing; ${allowed}.` : `${quote(api)} is not an API; ${allowed}.`);
        return undefined;
    }
    const known = findWellKnownApi(api);
    if (isClientId(api)) {
        const clientId = api.toLowerCase();
        return { name: known?.name ?? clientId, clientId, known, byName: false };
    }
    if (known) {
        return { name: known.name, clientId: known.clientId, known, byName: true };
    }
    issues.add(at, `${JSON.stringify(api)} is neither a well-known API nor a client id; ${allowed}.`);
    return undefined;
}

function resolveRole(target: ApiTarget, role: string, at: string, issues: IssueCollector): ResolvedPermission | undefined {
    const info = target.known ? findAppRole(target.known, role) : undefined;
    if (info) {
        return {
            api: target.name,
            apiClientId: target.clientId,
            role,
            appRoleId: info.id,
            broad: info.broad,
            ...(info.broad ? { broadReason: info.broadReason } : {}),
        };
    }
    if (target.known && target.byName) {
        issues.add(at, `${JSON.stringify(role)} is not an application permission of ${target.known.name}.${unknownRoleHint(target.known, role)}`);
        return undefined;
    }
    if (!isPlausibleAppRoleValue(role)) {
        issues.add(
            at,
            `${JSON.stringify(role)} cannot be an application permission value: Entra allows 1-120 letters, digits and ` +
                '!#$%&\'()*+,-./:;<=>?@[]^_`{|}~ (no spaces), not starting with ".".',
        );
        return undefined;
    }
    const breadth = broadByName(role);
    return {
        api: target.name,
        apiClientId: target.clientId,
        role,
        appRoleId: undefined,
        broad: breadth.broad,
        ...(breadth.broad ? { broadReason: breadth.reason } : {}),
    };
}

// Suggests what the user probably meant: the same value in another well-known API, or close
// spellings within this one; failing both, how to grant a role the catalog does not list.
function unknownRoleHint(known: WellKnownApi, role: string): string {
    const elsewhere = wellKnownApis.filter((other) => other !== known && findAppRole(other, role) !== undefined);
    if (elsewhere.length > 0) {
        return ` It is one of ${elsewhere.map((other) => other.name).join(" and ")}'s; list it under that API.`;
    }
    // Spellings of the same resource (`Mail.` for "Mail.ReadWriteAll") come first: a near miss in
    // another resource ("Domain.ReadWrite.All") would only mislead.
    const resource = (value: string) => value.split(".")[0].toLowerCase();
    const values = Object.keys(known.roles);
    const sameResource = closeMatches(
        role,
        values.filter((value) => resource(value) === resource(role)),
    );
    const close = sameResource.length > 0 ? sameResource : closeMatches(role, values);
    if (close.length > 0) {
        return ` Did you mean ${orList(close.map((value) => JSON.stringify(value)))}?`;
    }
    return (
        ` This library's catalog does not list it; to grant it anyway, name the API by its client id ` +
        `(${known.clientId}) and the role is looked up in the tenant at deploy time.`
    );
}

/** Up to three values of `candidates` spelled closest to `value` (ignoring case), closest first. */
export function closeMatches(value: string, candidates: readonly string[], limit = 3): string[] {
    const target = value.toLowerCase();
    const threshold = Math.max(2, Math.ceil(target.length / 5));
    return candidates
        .map((candidate) => ({ candidate, distance: editDistance(target, candidate.toLowerCase()) }))
        .filter(({ distance }) => distance <= threshold)
        .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
        .slice(0, limit)
        .map(({ candidate }) => candidate);
}

// Levenshtein distance, two rows at a time.
function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}

function quote(value: unknown): string {
    if (value === undefined) {
        return "undefined";
    }
    if (typeof value === "string") {
        return JSON.stringify(value);
    }
    // Functions and symbols have no JSON form, and BigInts and cycles make JSON.stringify throw:
    // inspect names them (`[Function: f]`, `10n`, `<ref *1> { a: [Circular *1] }`) where String()
    // would print `[object Object]` for a cycle.
    try {
        return JSON.stringify(value) ?? inspect(value);
    } catch {
        return inspect(value);
    }
}
