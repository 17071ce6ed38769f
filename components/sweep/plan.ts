import { IssueCollector, joinPath } from "../errors";
import { normalizeThumbprint } from "./keyIdentity";
import {
    DeclaredAppRole,
    DeclaredConnection,
    DeclaredFederatedCredential,
    LiveApplication,
    LiveConnection,
    LiveKeyCredential,
    LiveServicePrincipal,
    NO_PENDING_KEY_CREDENTIALS,
    PendingKeyCredentials,
    RemovalOperation,
    Stray,
    StrayKind,
    SweepPlan,
    SweptObject,
} from "./model";

// The sweep planner: given what a connection's stack declares and what Graph holds, the strays and
// the calls that remove them. Pure: no I/O, the same answer for the same input.
//
// Never a declared item, never a pending one: a key credential is kept when its certificate is
// declared or is one the stack is still creating or deleting, whatever else is true of it; a
// federated credential or app role assignment the stack deletes at the end of this update (the
// previous deploy declared it) is left to that delete.
//
// The order cuts an attacker's options down in the order they matter:
//   1. key credentials, then passwords, then federated credentials: no new sign-in;
//   2. app role assignments, then delegated grants: what an issued token may still do;
//   3. owners, last. The deploying identity works under Application.ReadWrite.OwnedBy, which
//      reaches only what it owns: if an owner list were ever declared without it, removing owners
//      first would cost the sweep its rights halfway. Last, the other removals are already done.
// Key credentials go in one PATCH per object listing exactly the kept ones: Graph replaces the
// list as a whole, and removeKey would need proof of possession of a key the sweep does not hold.

export const REMOVAL_ORDER: readonly StrayKind[] = ["keyCredential", "passwordCredential", "federatedIdentityCredential", "appRoleAssignment", "oauth2PermissionGrant", "owner"];

const OBJECTS: readonly SweptObject[] = ["application", "servicePrincipal"];

export function planSweep(declared: DeclaredConnection, live: LiveConnection, pending: PendingKeyCredentials = NO_PENDING_KEY_CREDENTIALS): SweepPlan {
    const keptCertificates = keptThumbprints(declared, pending);
    // Whole seconds, as certificates count them (the schedule starts a post-cutoff one at the cutoff truncated).
    const revokedBefore = pending.revokedBefore ? Math.floor(Date.parse(pending.revokedBefore) / 1000) * 1000 : undefined;
    for (const object of OBJECTS) {
        const found = live[object];
        if (found && !sameId(found.objectId, declared[object].objectId)) {
            throw new Error(`the live ${object} ${found.objectId} is not the declared ${declared[object].objectId}`);
        }
    }
    const { application, servicePrincipal } = live;
    const operations: RemovalOperation[] = [
        ...OBJECTS.flatMap((object) => keyCredentialRemoval(object, live[object], keptCertificates[object], revokedBefore)),
        ...OBJECTS.flatMap((object) => passwordRemovals(object, live[object])),
        ...(application ? federatedCredentialRemovals(application, [declared.federatedCredential, pending.federatedCredential ?? null]) : []),
        ...(servicePrincipal ? appRoleAssignmentRemovals(servicePrincipal, [...declared.consent, ...(pending.consent ?? [])]) : []),
        ...(servicePrincipal ? grantRemovals(servicePrincipal) : []),
        ...OBJECTS.flatMap((object) => ownerRemovals(object, live[object], declared[object].owners)),
    ];
    return { strays: operations.flatMap((operation) => operation.removes), operations };
}

interface KeptCertificates {
    readonly declared: Set<string>;
    readonly pending: Set<string>;
}

/** Declared and pending thumbprints per object, checked: a malformed one could never match, so it is refused. */
function keptThumbprints(declared: DeclaredConnection, pending: PendingKeyCredentials): Record<SweptObject, KeptCertificates> {
    const issues = new IssueCollector();
    const collect = (path: string, thumbprints: readonly string[]): Set<string> => {
        const kept = new Set<string>();
        thumbprints.forEach((thumbprint, index) => {
            const normalized = normalizeThumbprint(thumbprint);
            if (normalized === undefined) {
                issues.add(joinPath(path, index), `${JSON.stringify(thumbprint)} is not a SHA-1 thumbprint (40 hex digits).`);
            } else {
                kept.add(normalized);
            }
        });
        return kept;
    };
    const of = (object: SweptObject): KeptCertificates => ({
        declared: collect(`declared.${object}.keyCredentialThumbprints`, declared[object].keyCredentialThumbprints),
        pending: collect(`pending.${object}`, pending[object]),
    });
    const kept = { application: of("application"), servicePrincipal: of("servicePrincipal") };
    issues.throwIfAny();
    return kept;
}

/**
 * Whether a live key credential is one to keep: its certificate is declared, or it is pending and
 * not revoked. A pending certificate that starts before the revocation cutoff was issued before it
 * (the schedule starts every later certificate at the cutoff or after); keeping it would keep a
 * copy an attacker registered again under another keyId, since azuread deletes only its own.
 */
function keeps(kept: KeptCertificates, credential: LiveKeyCredential, revokedBefore: number | undefined): boolean {
    if (kept.declared.has(credential.thumbprint)) {
        return true;
    }
    if (!kept.pending.has(credential.thumbprint)) {
        return false;
    }
    const notBefore = credential.certificateNotBefore ? Date.parse(credential.certificateNotBefore) : NaN;
    return revokedBefore === undefined || notBefore >= revokedBefore;
}

function keyCredentialRemoval(
    object: SweptObject,
    found: LiveApplication | LiveServicePrincipal | null,
    kept: KeptCertificates,
    revokedBefore: number | undefined,
): RemovalOperation[] {
    if (!found) {
        return [];
    }
    const isKept = (credential: LiveKeyCredential) => keeps(kept, credential, revokedBefore);
    const strays = found.keyCredentials.filter((credential) => !isKept(credential));
    if (strays.length === 0) {
        return [];
    }
    return [
        {
            action: "replaceKeyCredentials",
            object,
            objectId: found.objectId,
            keep: found.keyCredentials.filter(isKept).map((credential) => credential.graph),
            basis: found.keyCredentials.map((credential) => credential.keyId),
            removes: byId(
                strays.map((credential) =>
                    stray(
                        object,
                        found.objectId,
                        "keyCredential",
                        credential.keyId,
                        // One of the stack's own certificates that this update deletes, revoked: removed now.
                        kept.pending.has(credential.thumbprint) ? `${describeKey(credential)}, revoked: issued before the cutoff` : describeKey(credential),
                        credential.displayName,
                        credential.startDateTime,
                    ),
                ),
            ),
        },
    ];
}

function passwordRemovals(object: SweptObject, found: LiveApplication | LiveServicePrincipal | null): RemovalOperation[] {
    if (!found) {
        return [];
    }
    // No connection signs in with a password: every one is a stray.
    return byId(
        found.passwordCredentials.map((p) =>
            stray(
                object,
                found.objectId,
                "passwordCredential",
                p.keyId,
                `password${named(p.displayName)}${until(p.endDateTime)} (keyId ${p.keyId})`,
                p.displayName,
                p.startDateTime,
            ),
        ),
    ).map((removes) => ({ action: "removePassword", object, objectId: found.objectId, keyId: removes.id, removes: [removes] }));
}

function federatedCredentialRemovals(application: LiveApplication, kept: readonly (DeclaredFederatedCredential | null)[]): RemovalOperation[] {
    const strays = application.federatedIdentityCredentials.filter((credential) => !kept.some((trust) => trust !== null && trustsTheSame(credential, trust)));
    return byId(
        strays.map((c) =>
            stray(
                "application",
                application.objectId,
                "federatedIdentityCredential",
                c.id,
                `federated credential${named(c.name)}: issuer ${JSON.stringify(c.issuer)}, subject ${JSON.stringify(c.subject)}, audiences ${JSON.stringify(c.audiences)}`,
                c.name,
            ),
        ),
    ).map((removes) => ({ action: "deleteFederatedIdentityCredential", object: "application", objectId: application.objectId, credentialId: removes.id, removes: [removes] }));
}

function appRoleAssignmentRemovals(servicePrincipal: LiveServicePrincipal, kept: readonly DeclaredAppRole[]): RemovalOperation[] {
    const consented = new Set(kept.map((role) => appRoleKey(role.resourceId, role.appRoleId)));
    const strays = servicePrincipal.appRoleAssignments.filter((assignment) => !consented.has(appRoleKey(assignment.resourceId, assignment.appRoleId)));
    return byId(
        strays.map((a) =>
            stray(
                "servicePrincipal",
                servicePrincipal.objectId,
                "appRoleAssignment",
                a.id,
                `app role ${a.appRoleId} of ${a.resourceDisplayName ? JSON.stringify(a.resourceDisplayName) : "resource"} ${a.resourceId}`,
                null,
                a.createdDateTime,
            ),
        ),
    ).map((removes) => ({ action: "deleteAppRoleAssignment", object: "servicePrincipal", objectId: servicePrincipal.objectId, assignmentId: removes.id, removes: [removes] }));
}

function grantRemovals(servicePrincipal: LiveServicePrincipal): RemovalOperation[] {
    // A vendor connection acts app-only: it holds no delegated permission at all.
    return byId(
        servicePrincipal.oauth2PermissionGrants.map((g) =>
            stray(
                "servicePrincipal",
                servicePrincipal.objectId,
                "oauth2PermissionGrant",
                g.id,
                `delegated scopes ${JSON.stringify(g.scope ?? "")} on resource ${g.resourceId}${g.consentType ? ` (${g.consentType})` : ""}`,
            ),
        ),
    ).map((removes) => ({ action: "deleteOAuth2PermissionGrant", object: "servicePrincipal", objectId: servicePrincipal.objectId, grantId: removes.id, removes: [removes] }));
}

function ownerRemovals(object: SweptObject, found: LiveApplication | LiveServicePrincipal | null, declaredOwners: readonly string[]): RemovalOperation[] {
    if (!found) {
        return [];
    }
    const owners = new Set(declaredOwners.map((id) => id.toLowerCase()));
    const strays = found.owners.filter((owner) => !owners.has(owner.id.toLowerCase()));
    return byId(strays.map((o) => stray(object, found.objectId, "owner", o.id, `owner ${o.id}${o.type ? ` (${o.type.replace(/^#microsoft\.graph\./, "")})` : ""}`))).map(
        (removes) => ({
            action: "removeOwner",
            object,
            objectId: found.objectId,
            ownerId: removes.id,
            removes: [removes],
        }),
    );
}

/** The same trust: issuer and subject exactly (Entra compares them as given), audiences as a set. */
function trustsTheSame(live: DeclaredFederatedCredential, declared: DeclaredFederatedCredential): boolean {
    const audiences = new Set(declared.audiences);
    return live.issuer === declared.issuer && live.subject === declared.subject && live.audiences.length === audiences.size && live.audiences.every((a) => audiences.has(a));
}

function appRoleKey(resourceId: string, appRoleId: string): string {
    return `${resourceId.toLowerCase()}/${appRoleId.toLowerCase()}`;
}

function sameId(a: string, b: string): boolean {
    return a.toLowerCase() === b.toLowerCase();
}

function stray(object: SweptObject, objectId: string, kind: StrayKind, id: string, description: string, displayName?: string | null, created?: string | null): Stray {
    return { object, objectId, kind, id, description, displayName: displayName ?? null, created: created ?? null };
}

// Within a kind, by id: the same live state always gives the same plan.
function byId(strays: Stray[]): Stray[] {
    return [...strays].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function describeKey(credential: LiveKeyCredential): string {
    return `certificate ${credential.thumbprint}${named(credential.displayName)}${until(credential.endDateTime)} (keyId ${credential.keyId})`;
}

// Names come from whoever added the item: quoted, so that no control character reaches a log as is.
function named(name: string | null): string {
    return name ? ` ${JSON.stringify(name)}` : "";
}

function until(end: string | null): string {
    return end ? ` until ${end}` : "";
}
