// The scopes an ARM resource id lies in, for role definitions and assignments made beside it.

/** `/subscriptions/<id>` of an ARM resource id. */
export function subscriptionScopeOf(resourceId: string): string {
    const match = /^\/subscriptions\/[^/]+/i.exec(resourceId);
    if (!match) {
        throw new Error(`${JSON.stringify(resourceId)} is not an ARM resource id (/subscriptions/<id>/...).`);
    }
    return match[0];
}

/** `/subscriptions/<id>/resourceGroups/<name>` of an ARM resource id. */
export function resourceGroupScopeOf(resourceId: string): string {
    const match = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+/i.exec(resourceId);
    if (!match) {
        throw new Error(`${JSON.stringify(resourceId)} is not the ARM id of a resource in a resource group (/subscriptions/<id>/resourceGroups/<name>/...).`);
    }
    return match[0];
}

/**
 * The id a role assignment names role `roleGuid` by: in the subscription of `resourceId`, the form
 * Azure gives built-in and custom roles alike.
 */
export function roleDefinitionIdIn(resourceId: string, roleGuid: string): string {
    return `${subscriptionScopeOf(resourceId)}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}
