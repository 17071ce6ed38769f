import type { GraphClient, RemovalOutcome } from "../graph/client";
import { readLiveConnection } from "./liveState";
import { DeclaredConnection, NO_PENDING_KEY_CREDENTIALS, PendingKeyCredentials, RemovalOperation, StrayKind, SweepPlan, SweptObject } from "./model";
import { planSweep } from "./plan";

// The sweep executor: reads a connection's live state through the Graph client, plans with the
// pure planner, and (in "remove" mode) runs the plan. Removals of one kind run together (the
// client's limiter bounds them); the kinds run one after the other, in the plan's order, and a
// failure stops the sweep before the next kind, so owners are never removed after a failed step.
// Every removal can be made again, so a sweep that stopped is completed by running it again.

/** "remove" converges the connection; "report" lists the strays and changes nothing. */
export type SweepMode = "remove" | "report";

export interface SweepOptions {
    readonly mode: SweepMode;
    /** Key credentials the stack is still creating or deleting: never removed. Default: none. */
    readonly pending?: PendingKeyCredentials;
}

export interface AppliedRemoval {
    readonly operation: RemovalOperation;
    /** "already gone" when Graph answered 404: someone else removed it first. */
    readonly outcome: RemovalOutcome;
}

export interface SweepResult {
    readonly mode: SweepMode;
    /** Objects Graph no longer has (404): nothing on them was checked or removed. */
    readonly missing: readonly SweptObject[];
    /** Whether the service principal may sign in, as found; null when it is missing. */
    readonly accountEnabled: boolean | null;
    readonly plan: SweepPlan;
    /** The removals made, in order; empty in report mode. */
    readonly applied: readonly AppliedRemoval[];
}

/** The key credentials changed between the sweep's read and its PATCH: another writer is active. */
export class KeyCredentialsChangedError extends Error {
    constructor(
        readonly object: SweptObject,
        readonly objectId: string,
    ) {
        super(
            `The key credentials of ${object === "application" ? "application" : "service principal"} ${objectId} changed while the sweep was planning; ` +
                "another writer (such as a key credential resource of this stack) is at work, so nothing was replaced. Run the sweep again once it is done.",
        );
        this.name = "KeyCredentialsChangedError";
    }
}

/** A removal failed: the ones before it stand, the kinds after it were not attempted. */
export class SweepIncompleteError extends Error {
    constructor(
        readonly applied: readonly AppliedRemoval[],
        readonly failures: readonly Error[],
    ) {
        super(
            `The sweep stopped after ${applied.length} removal${applied.length === 1 ? "" : "s"}; ` +
                `${failures.length} failed${failures.length > 1 ? ", the first" : ""}: ${failures[0].message}`,
        );
        this.name = "SweepIncompleteError";
    }
}

/** Sweeps the connection whose objects `declared` names: reads, plans, and in "remove" mode removes. */
export async function sweepConnection(client: GraphClient, declared: DeclaredConnection, options: SweepOptions): Promise<SweepResult> {
    const live = await readLiveConnection(client, { applicationObjectId: declared.application.objectId, servicePrincipalObjectId: declared.servicePrincipal.objectId });
    const plan = planSweep(declared, live, options.pending ?? NO_PENDING_KEY_CREDENTIALS);
    const result = {
        mode: options.mode,
        missing: (["application", "servicePrincipal"] as const).filter((object) => live[object] === null),
        accountEnabled: live.servicePrincipal?.accountEnabled ?? null,
        plan,
    };
    if (options.mode === "report") {
        return { ...result, applied: [] };
    }
    const applied: AppliedRemoval[] = [];
    for (const stage of stagesOf(plan.operations)) {
        const settled = await Promise.allSettled(stage.map((operation) => run(client, operation)));
        const failures: Error[] = [];
        settled.forEach((outcome, index) => {
            if (outcome.status === "fulfilled") {
                applied.push({ operation: stage[index], outcome: outcome.value });
            } else {
                failures.push(outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason)));
            }
        });
        if (failures.length > 0) {
            throw new SweepIncompleteError(applied, failures);
        }
    }
    return { ...result, applied };
}

/** Consecutive operations of one kind: the plan is ordered by kind, so these are its stages. */
function stagesOf(operations: readonly RemovalOperation[]): RemovalOperation[][] {
    const stages: RemovalOperation[][] = [];
    let kind: StrayKind | undefined;
    for (const operation of operations) {
        if (operation.removes[0].kind !== kind) {
            stages.push([]);
            kind = operation.removes[0].kind;
        }
        stages[stages.length - 1].push(operation);
    }
    return stages;
}

async function run(client: GraphClient, operation: RemovalOperation): Promise<RemovalOutcome> {
    switch (operation.action) {
        case "replaceKeyCredentials":
            return replaceKeyCredentials(client, operation);
        case "removePassword":
            return operation.object === "application"
                ? client.removeApplicationPassword(operation.objectId, operation.keyId)
                : client.removeServicePrincipalPassword(operation.objectId, operation.keyId);
        case "deleteFederatedIdentityCredential":
            return client.deleteFederatedIdentityCredential(operation.objectId, operation.credentialId);
        case "deleteAppRoleAssignment":
            return client.deleteAppRoleAssignment(operation.objectId, operation.assignmentId);
        case "deleteOAuth2PermissionGrant":
            return client.deleteOAuth2PermissionGrant(operation.grantId);
        case "removeOwner":
            return operation.object === "application"
                ? client.removeApplicationOwner(operation.objectId, operation.ownerId)
                : client.removeServicePrincipalOwner(operation.objectId, operation.ownerId);
    }
}

/**
 * The PATCH replaces the whole list, so a credential added after the sweep read it would be dropped
 * with the strays. Graph offers no conditional update for it, so the list is read again right
 * before the PATCH and nothing is sent unless it still has exactly the keyIds the plan saw. This
 * narrows the window; closing it is the deploy's job: the sweep runs after the stack's own key
 * credential changes, never beside them.
 */
async function replaceKeyCredentials(client: GraphClient, operation: Extract<RemovalOperation, { action: "replaceKeyCredentials" }>): Promise<RemovalOutcome> {
    const current = operation.object === "application" ? await client.getApplication(operation.objectId) : await client.getServicePrincipal(operation.objectId);
    if (current === undefined) {
        return "already gone";
    }
    const now = current.keyCredentials.map((k) => k.keyId).sort();
    const planned = [...operation.basis].sort();
    if (now.length !== planned.length || now.some((keyId, i) => keyId !== planned[i])) {
        throw new KeyCredentialsChangedError(operation.object, operation.objectId);
    }
    return operation.object === "application"
        ? client.replaceApplicationKeyCredentials(operation.objectId, operation.keep)
        : client.replaceServicePrincipalKeyCredentials(operation.objectId, operation.keep);
}
