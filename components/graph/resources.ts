import { z } from "zod";

// The Microsoft Graph v1.0 resource shapes this library reads, as the reference pages document
// them, limited to the properties it uses. Each answer is checked against them before use (an answer
// of another shape fails the call instead of being read as "nothing there"), and properties not
// listed are dropped: Graph may send more, and some must never be kept, such as a password
// credential's `hint` (the first characters of the secret).

const nullableText = z.string().nullish();

/** https://learn.microsoft.com/graph/api/resources/keycredential?view=graph-rest-1.0 */
export const keyCredentialSchema = z.object({
    keyId: z.string(),
    /**
     * Base64 of the certificate (DER). Graph returns it only when a single application or service
     * principal is read with `$select=keyCredentials`; the client always reads it that way.
     */
    key: nullableText,
    /** Base64; whoever adds the credential chooses it (Graph defaults it to the certificate's thumbprint). */
    customKeyIdentifier: nullableText,
    displayName: nullableText,
    type: nullableText,
    usage: nullableText,
    startDateTime: nullableText,
    endDateTime: nullableText,
});
export type GraphKeyCredential = z.infer<typeof keyCredentialSchema>;

/** https://learn.microsoft.com/graph/api/resources/passwordcredential?view=graph-rest-1.0, without `hint` and `secretText`. */
export const passwordCredentialSchema = z.object({
    keyId: z.string(),
    displayName: nullableText,
    startDateTime: nullableText,
    endDateTime: nullableText,
});
export type GraphPasswordCredential = z.infer<typeof passwordCredentialSchema>;

/** The credentials of an application (https://learn.microsoft.com/graph/api/resources/application?view=graph-rest-1.0). */
export const applicationCredentialsSchema = z.object({
    id: z.string(),
    keyCredentials: z.array(keyCredentialSchema),
    passwordCredentials: z.array(passwordCredentialSchema),
});
export type GraphApplicationCredentials = z.infer<typeof applicationCredentialsSchema>;

/** The credentials of a service principal, and whether it may sign in (https://learn.microsoft.com/graph/api/resources/serviceprincipal?view=graph-rest-1.0). */
export const servicePrincipalCredentialsSchema = applicationCredentialsSchema.extend({
    accountEnabled: z.boolean(),
});
export type GraphServicePrincipalCredentials = z.infer<typeof servicePrincipalCredentialsSchema>;

/** https://learn.microsoft.com/graph/api/resources/federatedidentitycredential?view=graph-rest-1.0 */
export const federatedIdentityCredentialSchema = z.object({
    id: z.string(),
    name: z.string(),
    issuer: z.string(),
    subject: z.string(),
    audiences: z.array(z.string()),
});
export type GraphFederatedIdentityCredential = z.infer<typeof federatedIdentityCredentialSchema>;

/** https://learn.microsoft.com/graph/api/resources/approleassignment?view=graph-rest-1.0 */
export const appRoleAssignmentSchema = z.object({
    id: z.string(),
    appRoleId: z.string(),
    resourceId: z.string(),
    resourceDisplayName: nullableText,
    principalId: nullableText,
    createdDateTime: nullableText,
});
export type GraphAppRoleAssignment = z.infer<typeof appRoleAssignmentSchema>;

/** https://learn.microsoft.com/graph/api/resources/oauth2permissiongrant?view=graph-rest-1.0 */
export const oauth2PermissionGrantSchema = z.object({
    id: z.string(),
    clientId: z.string(),
    resourceId: z.string(),
    consentType: nullableText,
    principalId: nullableText,
    scope: nullableText,
});
export type GraphOAuth2PermissionGrant = z.infer<typeof oauth2PermissionGrantSchema>;

/** An owner, as a directoryObject: its id, and its `@odata.type` (user, servicePrincipal, ...). */
export const directoryObjectSchema = z.object({
    id: z.string(),
    "@odata.type": z.string().optional(),
});
export type GraphDirectoryObject = z.infer<typeof directoryObjectSchema>;

/** One page of a collection (https://learn.microsoft.com/graph/paging). */
export const collectionPageSchema = z.object({
    value: z.array(z.unknown()),
    "@odata.nextLink": z.string().optional(),
});
