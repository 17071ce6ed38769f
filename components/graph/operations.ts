// Every Microsoft Graph v1.0 call this library makes, with the least-privileged application
// permission the deploying identity needs for it and the reference page that says so. A 403 names
// that permission, so an operator fixes the grant instead of guessing.
//
// Application.ReadWrite.OwnedBy reaches only applications and service principals the caller owns
// (https://learn.microsoft.com/graph/permissions-reference#applicationreadwriteownedby); the stack
// keeps the deploying identity among the owners of both for that reason.

export interface GraphOperation {
    /** What the call does, as a message says it: "remove a password credential". */
    readonly does: string;
    /** The least-privileged application permission that allows it, as Microsoft names it. */
    readonly permission: string;
    /** Whether `permission` works only on objects the caller owns (Application.ReadWrite.OwnedBy). */
    readonly needsOwnership: boolean;
    /** The Microsoft Learn reference page of the call. */
    readonly reference: string;
}

const OWNED_BY = "Application.ReadWrite.OwnedBy";

function v1(page: string): string {
    return `https://learn.microsoft.com/graph/api/${page}?view=graph-rest-1.0`;
}

export const GRAPH_OPERATIONS = {
    readApplication: { does: "read the application's credentials", permission: OWNED_BY, needsOwnership: true, reference: v1("application-get") },
    readServicePrincipal: {
        does: "read the service principal's credentials",
        permission: OWNED_BY,
        needsOwnership: true,
        reference: v1("serviceprincipal-get"),
    },
    listFederatedIdentityCredentials: {
        does: "list the application's federated identity credentials",
        permission: OWNED_BY,
        needsOwnership: true,
        reference: v1("application-list-federatedidentitycredentials"),
    },
    listAppRoleAssignments: {
        does: "list the app role assignments held by the service principal",
        permission: OWNED_BY,
        needsOwnership: true,
        reference: v1("serviceprincipal-list-approleassignments"),
    },
    // Listing needs only Directory.Read.All; the sweep asks for the permission it needs anyway to
    // remove a grant, which also allows the listing.
    listOAuth2PermissionGrants: {
        does: "list the delegated permission grants whose client is the service principal",
        permission: "DelegatedPermissionGrant.ReadWrite.All",
        needsOwnership: false,
        reference: v1("oauth2permissiongrant-list"),
    },
    listApplicationOwners: { does: "list the application's owners", permission: OWNED_BY, needsOwnership: true, reference: v1("application-list-owners") },
    listServicePrincipalOwners: {
        does: "list the service principal's owners",
        permission: OWNED_BY,
        needsOwnership: true,
        reference: v1("serviceprincipal-list-owners"),
    },
    updateApplicationKeyCredentials: {
        does: "replace the application's key credentials",
        permission: OWNED_BY,
        needsOwnership: true,
        reference: v1("application-update"),
    },
    updateServicePrincipalKeyCredentials: {
        does: "replace the service principal's key credentials",
        permission: OWNED_BY,
        needsOwnership: true,
        reference: v1("serviceprincipal-update"),
    },
    removeApplicationPassword: {
        does: "remove a password credential from the application",
        permission: OWNED_BY,
        needsOwnership: true,
        reference: v1("application-removepassword"),
    },
    removeServicePrincipalPassword: {
        does: "remove a password credential from the service principal",
        permission: OWNED_BY,
        needsOwnership: true,
        reference: v1("serviceprincipal-removepassword"),
    },
    deleteFederatedIdentityCredential: {
        does: "delete a federated identity credential of the application",
        permission: OWNED_BY,
        needsOwnership: true,
        reference: v1("federatedidentitycredential-delete"),
    },
    deleteAppRoleAssignment: {
        does: "delete an app role assignment held by the service principal",
        permission: "AppRoleAssignment.ReadWrite.All",
        needsOwnership: false,
        reference: v1("serviceprincipal-delete-approleassignments"),
    },
    deleteOAuth2PermissionGrant: {
        does: "delete a delegated permission grant",
        permission: "DelegatedPermissionGrant.ReadWrite.All",
        needsOwnership: false,
        reference: v1("oauth2permissiongrant-delete"),
    },
    removeApplicationOwner: { does: "remove an owner of the application", permission: OWNED_BY, needsOwnership: true, reference: v1("application-delete-owners") },
    removeServicePrincipalOwner: {
        does: "remove an owner of the service principal",
        permission: OWNED_BY,
        needsOwnership: true,
        reference: v1("serviceprincipal-delete-owners"),
    },
} as const satisfies Record<string, GraphOperation>;

export type GraphOperationName = keyof typeof GRAPH_OPERATIONS;
