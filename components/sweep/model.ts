import type { GraphKeyCredential } from "../graph/resources";

// What a sweep compares: the state a vendor connection's stack declares, the state Graph holds, and
// the differences between them it removes. Plain data, so that the planner stays a pure function.

/** The two directory objects of a vendor connection. */
export type SweptObject = "application" | "servicePrincipal";

/** What an attacker adds to keep access, in the order a sweep removes them (see plan.ts). */
export type StrayKind = "keyCredential" | "passwordCredential" | "federatedIdentityCredential" | "appRoleAssignment" | "oauth2PermissionGrant" | "owner";

/** What the stack declares for one directory object. */
export interface DeclaredObject {
    readonly objectId: string;
    /** SHA-1 thumbprints (40 hex digits) of the certificates the stack registers as key credentials on it. */
    readonly keyCredentialThumbprints: readonly string[];
    /** Object ids of its owners, the deploying identity included. */
    readonly owners: readonly string[];
}

/** A federated identity credential, by what it trusts: issuer, subject and audiences. */
export interface DeclaredFederatedCredential {
    readonly issuer: string;
    readonly subject: string;
    readonly audiences: readonly string[];
}

/** One app role the service principal is granted (admin consent to an application permission). */
export interface DeclaredAppRole {
    /** Object id of the resource API's service principal (e.g. Microsoft Graph's in this tenant). */
    readonly resourceId: string;
    readonly appRoleId: string;
}

/**
 * What the stack declares for a vendor connection. Passwords and delegated permission grants are
 * never declared: a connection signs in with a certificate or a federated credential, and acts
 * app-only.
 */
export interface DeclaredConnection {
    readonly application: DeclaredObject;
    readonly servicePrincipal: DeclaredObject;
    /** The federated credential on the application, or null when the connection has none. */
    readonly federatedCredential: DeclaredFederatedCredential | null;
    /** The consent the service principal holds; empty when consent is not granted by the stack. */
    readonly consent: readonly DeclaredAppRole[];
}

/**
 * Key credentials the stack is still creating or deleting (its azuread ApplicationCertificate
 * resources in flight), by certificate thumbprint: a sweep leaves them alone whatever it finds.
 */
export interface PendingKeyCredentials {
    readonly application: readonly string[];
    readonly servicePrincipal: readonly string[];
    /**
     * The federated credential and consent the previous deploy declared and this one deletes (its
     * azuread resources are deleted at the end of the update): kept, so that the sweep never takes
     * them from under those deletes. Default: none.
     */
    readonly federatedCredential?: DeclaredFederatedCredential | null;
    readonly consent?: readonly DeclaredAppRole[];
    /**
     * The revocation cutoff (RFC 3339), if any: a pending certificate whose validity starts before
     * it was issued before it, and is not kept. Default: none.
     */
    readonly revokedBefore?: string | null;
}

export const NO_PENDING_KEY_CREDENTIALS: PendingKeyCredentials = { application: [], servicePrincipal: [] };

/** A key credential as found, identified by the certificate Graph holds for it. */
export interface LiveKeyCredential {
    readonly keyId: string;
    /** SHA-1 of the certificate bytes Graph returned in `key`, 40 uppercase hex digits. */
    readonly thumbprint: string;
    readonly displayName: string | null;
    readonly endDateTime: string | null;
    /** When its validity starts: Graph sets it to the moment it was added unless the adder chose one. */
    readonly startDateTime?: string | null;
    /** The certificate's own notBefore (from the bytes in `key`), RFC 3339; null when they do not parse. */
    readonly certificateNotBefore?: string | null;
    /** The credential as Graph returned it: what a PATCH that keeps it sends back. */
    readonly graph: GraphKeyCredential;
}

export interface LivePasswordCredential {
    readonly keyId: string;
    readonly displayName: string | null;
    readonly endDateTime: string | null;
    /** When its validity starts: Graph sets it to the moment it was added unless the adder chose one. */
    readonly startDateTime?: string | null;
}

export interface LiveFederatedCredential extends DeclaredFederatedCredential {
    readonly id: string;
    readonly name: string;
}

export interface LiveAppRoleAssignment extends DeclaredAppRole {
    readonly id: string;
    readonly resourceDisplayName: string | null;
    /** When the assignment was made, as Graph records it. */
    readonly createdDateTime?: string | null;
}

export interface LiveOAuth2PermissionGrant {
    readonly id: string;
    readonly resourceId: string;
    readonly consentType: string | null;
    readonly scope: string | null;
}

export interface LiveOwner {
    readonly id: string;
    /** `#microsoft.graph.user`, `#microsoft.graph.servicePrincipal`, ... when Graph says. */
    readonly type: string | null;
}

export interface LiveApplication {
    readonly objectId: string;
    readonly keyCredentials: readonly LiveKeyCredential[];
    readonly passwordCredentials: readonly LivePasswordCredential[];
    readonly federatedIdentityCredentials: readonly LiveFederatedCredential[];
    readonly owners: readonly LiveOwner[];
}

export interface LiveServicePrincipal {
    readonly objectId: string;
    readonly accountEnabled: boolean;
    readonly keyCredentials: readonly LiveKeyCredential[];
    readonly passwordCredentials: readonly LivePasswordCredential[];
    readonly appRoleAssignments: readonly LiveAppRoleAssignment[];
    /** Delegated permission grants whose client is this service principal. */
    readonly oauth2PermissionGrants: readonly LiveOAuth2PermissionGrant[];
    readonly owners: readonly LiveOwner[];
}

/** What Graph holds; an object that is gone (404) is null. */
export interface LiveConnection {
    readonly application: LiveApplication | null;
    readonly servicePrincipal: LiveServicePrincipal | null;
}

/** Something on an object that the stack does not declare. Never carries secret material. */
export interface Stray {
    readonly object: SweptObject;
    readonly objectId: string;
    readonly kind: StrayKind;
    /** Its id in Graph: keyId for credentials, object id for owners, the item's id otherwise. */
    readonly id: string;
    /** One line for a person: what it is, e.g. `certificate 3F2A... "CN=x" until 2026-05-01T00:00:00Z`. */
    readonly description: string;
    /** Its name as whoever added it chose it (a credential's displayName, a federated credential's name); null when it has none. */
    readonly displayName?: string | null;
    /**
     * When it was added, as far as Graph says: an assignment's createdDateTime, a credential's
     * startDateTime (which Graph sets to the moment it was added unless the adder chose one); null
     * for what Graph keeps no date of (owners, delegated grants, federated credentials).
     */
    readonly created?: string | null;
}

/** One Graph call that removes strays; each names the strays it removes. */
export type RemovalOperation =
    | {
          readonly action: "replaceKeyCredentials";
          readonly object: SweptObject;
          readonly objectId: string;
          /** Exactly the credentials kept, as Graph returned them: the PATCH body's list. */
          readonly keep: readonly GraphKeyCredential[];
          /** The keyIds the plan saw on the object; the executor re-reads them right before the PATCH. */
          readonly basis: readonly string[];
          readonly removes: readonly Stray[];
      }
    | { readonly action: "removePassword"; readonly object: SweptObject; readonly objectId: string; readonly keyId: string; readonly removes: readonly [Stray] }
    | {
          readonly action: "deleteFederatedIdentityCredential";
          readonly object: "application";
          readonly objectId: string;
          readonly credentialId: string;
          readonly removes: readonly [Stray];
      }
    | {
          readonly action: "deleteAppRoleAssignment";
          readonly object: "servicePrincipal";
          readonly objectId: string;
          readonly assignmentId: string;
          readonly removes: readonly [Stray];
      }
    | {
          readonly action: "deleteOAuth2PermissionGrant";
          readonly object: "servicePrincipal";
          readonly objectId: string;
          readonly grantId: string;
          readonly removes: readonly [Stray];
      }
    | { readonly action: "removeOwner"; readonly object: SweptObject; readonly objectId: string; readonly ownerId: string; readonly removes: readonly [Stray] };

export interface SweepPlan {
    /** Every stray found, in removal order. */
    readonly strays: readonly Stray[];
    /** The calls that remove them, in the order they must run. */
    readonly operations: readonly RemovalOperation[];
}
