import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import {
    DeclaredConnection,
    DeclaredFederatedCredential,
    LiveConnection,
    LiveKeyCredential,
    PendingKeyCredentials,
    SweepPlan,
    SweptObject,
    planSweep,
} from "../../components/sweep";

// The planner over random connections: on the application and the service principal, random sets
// of declared items (some live, some not yet), key credentials the stack is still creating or
// deleting (pending: some live, some not), and strays of every kind, some of them disguised (a
// stray certificate whose customKeyIdentifier copies a declared thumbprint, a federated credential
// that differs from the declared one only in an audience). The plan must remove exactly the strays,
// in the documented order, and never a declared or pending item.

const REMOVAL_ORDER = ["keyCredential", "passwordCredential", "federatedIdentityCredential", "appRoleAssignment", "oauth2PermissionGrant", "owner"];
const OBJECTS: SweptObject[] = ["application", "servicePrincipal"];

type KeyRole = "declared" | "declaredAbsent" | "pending" | "pendingAbsent" | "declaredAndPending" | "stray";
type ItemRole = "declared" | "declaredAbsent" | "stray";

interface KeyDraw {
    thumbprint: string;
    role: KeyRole;
    /** A stray whose customKeyIdentifier claims to be the first declared certificate. */
    spoofs: boolean;
    /** Declared as lowercase hex with colons: the planner compares thumbprints, not spellings. */
    spelledLoosely: boolean;
    order: number;
}

interface OwnerDraw {
    id: string;
    role: ItemRole;
    /** The stack spells the id in capitals; Graph answers in lowercase. */
    declaredInCapitals: boolean;
}

interface ObjectDraw {
    keys: KeyDraw[];
    passwords: string[];
    owners: OwnerDraw[];
}

interface ConnectionDraw {
    application: ObjectDraw;
    servicePrincipal: ObjectDraw;
    federated: DeclaredFederatedCredential | null;
    federatedLive: boolean;
    federatedOthers: DeclaredFederatedCredential[];
    consent: { resourceId: string; appRoleId: string; role: ItemRole }[];
    grants: string[];
}

const hex40 = fc.stringMatching(/^[0-9A-F]{40}$/);
const keyRole = fc.constantFrom<KeyRole>("declared", "declaredAbsent", "pending", "pendingAbsent", "declaredAndPending", "stray", "stray");
const itemRole = fc.constantFrom<ItemRole>("declared", "declaredAbsent", "stray", "stray");

// Few values each, so that strays often differ from the declared trust in one field only.
const federatedCredential: fc.Arbitrary<DeclaredFederatedCredential> = fc.record({
    issuer: fc.constantFrom("https://token.actions.githubusercontent.com", "https://accounts.google.com", "https://Accounts.google.com"),
    subject: fc.constantFrom("repo:vendor/app:environment:prod", "repo:vendor/app:ref:refs/heads/main"),
    audiences: fc.shuffledSubarray(["api://AzureADTokenExchange", "api://other-audience"], { minLength: 1 }),
});

const objectDraw: fc.Arbitrary<ObjectDraw> = fc.record({
    keys: fc.uniqueArray(fc.record({ thumbprint: hex40, role: keyRole, spoofs: fc.boolean(), spelledLoosely: fc.boolean(), order: fc.nat() }), {
        selector: (k) => k.thumbprint,
        maxLength: 7,
    }),
    passwords: fc.uniqueArray(fc.uuid(), { maxLength: 3 }),
    owners: fc.uniqueArray(fc.record({ id: fc.uuid(), role: itemRole, declaredInCapitals: fc.boolean() }), { selector: (o) => o.id, maxLength: 5 }),
});

const connectionDraw: fc.Arbitrary<ConnectionDraw> = fc.record({
    application: objectDraw,
    servicePrincipal: objectDraw,
    federated: fc.option(federatedCredential, { nil: null }),
    federatedLive: fc.boolean(),
    federatedOthers: fc.array(federatedCredential, { maxLength: 3 }),
    consent: fc.uniqueArray(fc.record({ resourceId: fc.uuid(), appRoleId: fc.uuid(), role: itemRole }), { selector: (c) => `${c.resourceId}/${c.appRoleId}`, maxLength: 5 }),
    grants: fc.uniqueArray(fc.uuid(), { maxLength: 3 }),
});

const APPLICATION_ID = "aaaaaaaa-0000-4000-8000-000000000001";
const SERVICE_PRINCIPAL_ID = "aaaaaaaa-0000-4000-8000-000000000002";

function sameTrust(a: DeclaredFederatedCredential, b: DeclaredFederatedCredential): boolean {
    return a.issuer === b.issuer && a.subject === b.subject && [...a.audiences].sort().join(" ") === [...b.audiences].sort().join(" ");
}

function keyId(object: SweptObject, index: number): string {
    return `${object === "application" ? "a" : "b"}0000000-0000-4000-8000-${index.toString(16).padStart(12, "0")}`;
}

interface Scenario {
    declared: DeclaredConnection;
    pending: PendingKeyCredentials;
    live: LiveConnection;
    /** `object|kind|id` of every stray, as the draw made them. */
    strays: Set<string>;
    /** keyIds per object that must be kept. */
    keptKeyIds: Record<SweptObject, Set<string>>;
}

function scenario(draw: ConnectionDraw): Scenario {
    const strays = new Set<string>();
    const keptKeyIds: Record<SweptObject, Set<string>> = { application: new Set(), servicePrincipal: new Set() };
    const objectIds = { application: APPLICATION_ID, servicePrincipal: SERVICE_PRINCIPAL_ID };

    const perObject = (object: SweptObject) => {
        const { keys, passwords, owners } = draw[object];
        const declaredKeys = keys.filter((k) => k.role === "declared" || k.role === "declaredAbsent" || k.role === "declaredAndPending");
        const pendingKeys = keys.filter((k) => k.role === "pending" || k.role === "pendingAbsent" || k.role === "declaredAndPending");
        const spell = (k: KeyDraw) => (k.spelledLoosely ? k.thumbprint.toLowerCase().match(/../g)!.join(":") : k.thumbprint);
        const liveKeys: LiveKeyCredential[] = keys
            .map((k, index) => ({ k, index }))
            .filter(({ k }) => !k.role.endsWith("Absent"))
            .sort((a, b) => a.k.order - b.k.order)
            .map(({ k, index }) => {
                const id = keyId(object, index);
                if (k.role === "stray") {
                    strays.add(`${object}|keyCredential|${id}`);
                } else {
                    keptKeyIds[object].add(id);
                }
                const disguise = k.role === "stray" && k.spoofs && declaredKeys.length > 0 ? Buffer.from(declaredKeys[0].thumbprint, "hex").toString("base64") : null;
                return {
                    keyId: id,
                    thumbprint: k.thumbprint,
                    displayName: `CN=${k.role}`,
                    endDateTime: "2026-06-01T00:00:00Z",
                    graph: {
                        keyId: id,
                        key: "MIIB",
                        customKeyIdentifier: disguise,
                        displayName: `CN=${k.role}`,
                        type: "AsymmetricX509Cert",
                        usage: "Verify",
                        startDateTime: null,
                        endDateTime: "2026-06-01T00:00:00Z",
                    },
                };
            });
        for (const password of passwords) {
            strays.add(`${object}|passwordCredential|${password}`);
        }
        const liveOwners = owners.filter((o) => o.role !== "declaredAbsent").map((o) => ({ id: o.id, type: "#microsoft.graph.user" }));
        for (const owner of owners.filter((o) => o.role === "stray")) {
            strays.add(`${object}|owner|${owner.id}`);
        }
        return {
            declared: {
                objectId: objectIds[object],
                keyCredentialThumbprints: declaredKeys.map(spell),
                owners: owners.filter((o) => o.role !== "stray").map((o) => (o.declaredInCapitals ? o.id.toUpperCase() : o.id)),
            },
            pending: pendingKeys.map(spell),
            live: {
                objectId: objectIds[object],
                keyCredentials: liveKeys,
                passwordCredentials: passwords.map((keyId) => ({ keyId, displayName: null, endDateTime: null })),
                owners: liveOwners,
            },
        };
    };
    const application = perObject("application");
    const servicePrincipal = perObject("servicePrincipal");

    const federatedLive = [...(draw.federated && draw.federatedLive ? [draw.federated] : []), ...draw.federatedOthers].map((trust, index) => {
        const id = `fic-${index}`;
        if (!draw.federated || !sameTrust(trust, draw.federated)) {
            strays.add(`application|federatedIdentityCredential|${id}`);
        }
        return { id, name: `credential-${index}`, ...trust };
    });
    const assignments = draw.consent
        .filter((c) => c.role !== "declaredAbsent")
        .map((c, index) => {
            const id = `assignment-${index}`;
            if (c.role === "stray") {
                strays.add(`servicePrincipal|appRoleAssignment|${id}`);
            }
            return { id, resourceId: c.resourceId, appRoleId: c.appRoleId, resourceDisplayName: "Microsoft Graph" };
        });
    for (const grant of draw.grants) {
        strays.add(`servicePrincipal|oauth2PermissionGrant|${grant}`);
    }

    return {
        declared: {
            application: application.declared,
            servicePrincipal: servicePrincipal.declared,
            federatedCredential: draw.federated,
            consent: draw.consent.filter((c) => c.role !== "stray").map(({ resourceId, appRoleId }) => ({ resourceId: resourceId.toUpperCase(), appRoleId })),
        },
        pending: { application: application.pending, servicePrincipal: servicePrincipal.pending },
        live: {
            application: { ...application.live, federatedIdentityCredentials: federatedLive },
            servicePrincipal: {
                ...servicePrincipal.live,
                accountEnabled: true,
                appRoleAssignments: assignments,
                oauth2PermissionGrants: draw.grants.map((id) => ({ id, resourceId: "bbbbbbbb-0000-4000-8000-000000000001", consentType: "AllPrincipals", scope: "Mail.Read" })),
            },
        },
        strays,
        keptKeyIds,
    };
}

/** The live state after every operation of `plan` succeeded, as Graph would hold it. */
function applied(live: LiveConnection, plan: SweepPlan): LiveConnection {
    const removed = new Set(plan.strays.map((s) => `${s.object}|${s.kind}|${s.id}`));
    const gone = (object: SweptObject, kind: string) => (item: { id?: string; keyId?: string }) => !removed.has(`${object}|${kind}|${item.keyId ?? item.id}`);
    const app = live.application!;
    const sp = live.servicePrincipal!;
    return {
        application: {
            ...app,
            keyCredentials: app.keyCredentials.filter(gone("application", "keyCredential")),
            passwordCredentials: app.passwordCredentials.filter(gone("application", "passwordCredential")),
            federatedIdentityCredentials: app.federatedIdentityCredentials.filter(gone("application", "federatedIdentityCredential")),
            owners: app.owners.filter(gone("application", "owner")),
        },
        servicePrincipal: {
            ...sp,
            keyCredentials: sp.keyCredentials.filter(gone("servicePrincipal", "keyCredential")),
            passwordCredentials: sp.passwordCredentials.filter(gone("servicePrincipal", "passwordCredential")),
            appRoleAssignments: sp.appRoleAssignments.filter(gone("servicePrincipal", "appRoleAssignment")),
            oauth2PermissionGrants: sp.oauth2PermissionGrants.filter(gone("servicePrincipal", "oauth2PermissionGrant")),
            owners: sp.owners.filter(gone("servicePrincipal", "owner")),
        },
    };
}

function operationTargets(plan: SweepPlan): string[] {
    return plan.operations.flatMap((op) => op.removes.map((s) => `${s.object}|${s.kind}|${s.id}`));
}

describe("the sweep planner, over random declared, pending and stray items (property)", () => {
    it("removes exactly the strays, in order, and never a declared or pending item", () => {
        fc.assert(
            fc.property(connectionDraw, (draw) => {
                const { declared, pending, live, strays, keptKeyIds } = scenario(draw);
                const plan = planSweep(declared, live, pending);

                // Exactly the strays, each removed by exactly one operation.
                assert.deepEqual(new Set(plan.strays.map((s) => `${s.object}|${s.kind}|${s.id}`)), strays);
                const targets = operationTargets(plan);
                assert.equal(new Set(targets).size, targets.length);
                assert.deepEqual(new Set(targets), strays);

                for (const op of plan.operations) {
                    switch (op.action) {
                        case "replaceKeyCredentials": {
                            // The PATCH lists exactly the kept credentials: every declared or pending one found live, nothing else.
                            const kept = op.keep.map((k) => k.keyId);
                            assert.deepEqual(new Set(kept), keptKeyIds[op.object]);
                            assert.equal(kept.length + op.removes.length, live[op.object]!.keyCredentials.length);
                            break;
                        }
                        case "removePassword":
                            assert.equal(op.keyId, op.removes[0].id);
                            break;
                        case "deleteFederatedIdentityCredential":
                            assert.equal(op.credentialId, op.removes[0].id);
                            break;
                        case "deleteAppRoleAssignment":
                            assert.equal(op.assignmentId, op.removes[0].id);
                            break;
                        case "deleteOAuth2PermissionGrant":
                            assert.equal(op.grantId, op.removes[0].id);
                            break;
                        case "removeOwner":
                            assert.equal(op.ownerId, op.removes[0].id);
                            break;
                    }
                }

                // One PATCH per object at most, and none where no certificate is a stray.
                for (const object of OBJECTS) {
                    const patches = plan.operations.filter((op) => op.action === "replaceKeyCredentials" && op.object === object);
                    const strayKeys = [...strays].filter((s) => s.startsWith(`${object}|keyCredential|`)).length;
                    assert.equal(patches.length, strayKeys > 0 ? 1 : 0);
                }

                // Credentials, then permissions, then owners: the kinds never go back in the order.
                const ranks = plan.operations.map((op) => REMOVAL_ORDER.indexOf(op.removes[0].kind));
                assert.deepEqual(
                    ranks,
                    [...ranks].sort((a, b) => a - b),
                );

                // Converged: once the plan has run, nothing is left to remove.
                assert.deepEqual(planSweep(declared, applied(live, plan), pending).operations, []);
            }),
            { numRuns: 300 },
        );
    });

    it("does not depend on the order Graph lists items in", () => {
        fc.assert(
            fc.property(connectionDraw, (draw) => {
                const { declared, pending, live } = scenario(draw);
                const reversed: LiveConnection = {
                    application: {
                        ...live.application!,
                        keyCredentials: [...live.application!.keyCredentials].reverse(),
                        owners: [...live.application!.owners].reverse(),
                        federatedIdentityCredentials: [...live.application!.federatedIdentityCredentials].reverse(),
                    },
                    servicePrincipal: {
                        ...live.servicePrincipal!,
                        appRoleAssignments: [...live.servicePrincipal!.appRoleAssignments].reverse(),
                        owners: [...live.servicePrincipal!.owners].reverse(),
                    },
                };
                const plan = planSweep(declared, live, pending);
                const again = planSweep(declared, reversed, pending);
                assert.deepEqual(operationTargets(again), operationTargets(plan));
            }),
            { numRuns: 100 },
        );
    });
});
