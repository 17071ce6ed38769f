import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import { ResolvedPermission } from "../permissions";

// A connection's application permissions as Entra needs them: the role ids the application asks
// for (requiredResourceAccess) and the API service principals consent assigns them on. Catalog
// roles carry their ids; a role of an API given by client id is found on the API's service
// principal in this tenant, at deploy time.

/**
 * The APIs' service principals in this tenant, each looked up once and only when needed: for the
 * object id that consent assigns roles on, and for the id of a role the catalog does not list.
 */
export class ApiLookup {
    private readonly servicePrincipals = new Map<string, pulumi.Output<azuread.GetServicePrincipalResult>>();
    private readonly roleIds = new Map<ResolvedPermission, pulumi.Input<string>>();

    constructor(private readonly parent: pulumi.Resource) {}

    servicePrincipal(apiClientId: string): pulumi.Output<azuread.GetServicePrincipalResult> {
        let api = this.servicePrincipals.get(apiClientId);
        if (!api) {
            api = azuread.getServicePrincipalOutput({ clientId: apiClientId }, { parent: this.parent });
            this.servicePrincipals.set(apiClientId, api);
        }
        return api;
    }

    /** The permission's app role id: from the catalog, or else from the API's service principal. */
    appRoleId(permission: ResolvedPermission): pulumi.Input<string> {
        let id = this.roleIds.get(permission);
        if (id === undefined) {
            id = permission.appRoleId ?? this.lookUpAppRoleId(permission);
            this.roleIds.set(permission, id);
        }
        return id;
    }

    private lookUpAppRoleId(permission: ResolvedPermission): pulumi.Output<string> {
        return this.servicePrincipal(permission.apiClientId).appRoleIds.apply((ids) => {
            const id = ids[permission.role];
            if (!id) {
                throw new pulumi.ResourceError(
                    `permissions: API ${permission.api} has no application permission ${JSON.stringify(permission.role)} in this tenant; ` +
                        `it offers: ${Object.keys(ids).sort().join(", ") || "none"}.`,
                    this.parent,
                );
            }
            return id;
        });
    }
}

/** The Application's `requiredResourceAccesses`: per API, its application permissions (type Role). */
export function requiredResourceAccesses(permissions: readonly ResolvedPermission[], apis: ApiLookup): azuread.types.input.ApplicationRequiredResourceAccess[] {
    const byApi = new Map<string, ResolvedPermission[]>();
    for (const permission of permissions) {
        byApi.set(permission.apiClientId, [...(byApi.get(permission.apiClientId) ?? []), permission]);
    }
    return [...byApi].map(([resourceAppId, granted]) => ({
        resourceAppId,
        resourceAccesses: granted.map((permission) => ({ id: apis.appRoleId(permission), type: "Role" })),
    }));
}
