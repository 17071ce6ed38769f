import { randomUUID, X509Certificate } from "node:crypto";
import { defaultFaker, type Faker } from "../simulator/fakes";
import type { ResourceVersion } from "../simulator/simulator";
import type { GraphStandIn } from "./graphStandIn";

// The stand-in Graph as the azuread resources of a simulated deploy leave it: each create or update
// of an application, service principal, key credential or app role assignment the redeploy
// simulator fakes is written into the stand-in's tenant, and each delete removes it, so that the
// Sweep's real provider, run by the simulator, finds what a tenant would hold mid-deploy.

const APPLICATION = "azuread:index/application:Application";
const SERVICE_PRINCIPAL = "azuread:index/servicePrincipal:ServicePrincipal";
const KEY_CREDENTIAL = "azuread:index/applicationCertificate:ApplicationCertificate";
const APP_ROLE_ASSIGNMENT = "azuread:index/appRoleAssignment:AppRoleAssignment";

export interface TenantMirror {
    readonly fakers: Readonly<Record<string, Faker>>;
    readonly onDelete: (version: ResourceVersion) => void;
}

export function tenantMirror(standIn: GraphStandIn): TenantMirror {
    const { applications, servicePrincipals } = standIn.tenant;
    const owners = (ids: unknown) => (ids as string[]).map((id) => ({ id, type: "servicePrincipal" as const }));
    const fakers: Record<string, Faker> = {
        [APPLICATION]: (context) => {
            const faked = defaultFaker(context);
            const objectId = String(faked.outputs?.objectId);
            const existing = applications.get(objectId);
            applications.set(objectId, { keyCredentials: [], passwordCredentials: [], federatedIdentityCredentials: [], ...existing, owners: owners(context.inputs.owners) });
            return faked;
        },
        [SERVICE_PRINCIPAL]: (context) => {
            const faked = defaultFaker(context);
            const objectId = String(faked.outputs?.objectId);
            const existing = servicePrincipals.get(objectId);
            servicePrincipals.set(objectId, {
                keyCredentials: [],
                passwordCredentials: [],
                appRoleAssignments: [],
                ...existing,
                accountEnabled: context.inputs.accountEnabled !== false,
                owners: owners(context.inputs.owners),
            });
            return faked;
        },
        [KEY_CREDENTIAL]: ({ inputs }) => {
            const objectId = String(inputs.applicationId).replace(/^\/applications\//, "");
            const keyId = randomUUID();
            const der = new X509Certificate(String(inputs.value)).raw.toString("base64");
            applications.get(objectId)!.keyCredentials.push({
                keyId,
                key: der,
                customKeyIdentifier: null,
                displayName: null,
                type: "AsymmetricX509Cert",
                usage: "Verify",
                startDateTime: String(inputs.startDate),
                endDateTime: String(inputs.endDate),
            });
            return { id: `${objectId}/certificate/${keyId}` };
        },
        [APP_ROLE_ASSIGNMENT]: ({ inputs }) => {
            const id = randomUUID();
            const principalId = String(inputs.principalObjectId);
            servicePrincipals.get(principalId)!.appRoleAssignments.push({
                id,
                appRoleId: String(inputs.appRoleId),
                resourceId: String(inputs.resourceObjectId),
                resourceDisplayName: "Microsoft Graph",
                principalId,
            });
            return { id };
        },
    };
    const onDelete = (version: ResourceVersion) => {
        switch (version.type) {
            case KEY_CREDENTIAL: {
                const [objectId, , keyId] = String(version.id).split("/");
                const application = applications.get(objectId);
                if (application) {
                    application.keyCredentials = application.keyCredentials.filter((k) => k.keyId !== keyId);
                }
                break;
            }
            case APP_ROLE_ASSIGNMENT:
                for (const sp of servicePrincipals.values()) {
                    sp.appRoleAssignments = sp.appRoleAssignments.filter((a) => a.id !== version.id);
                }
                break;
        }
    };
    return { fakers, onDelete };
}
