import { APPLICATION_TYPE, CERTIFICATE_TYPE, DeploySimulator, ResourceVersion, RunPoint } from "../simulator";

// A connection's vault secret publishes one certificate to the vendor (its PKCS#12, named by the
// secret's thumbprintSha1 tag). A vendor fetching it must be able to sign in with it, so at every
// state the stack goes through, a deploy's steps included, that certificate must be registered in
// Entra: an ApplicationCertificate on the connection's own application whose value is the
// certificate's PEM, valid at the deploy's instant. Messages name keys, runs and steps only.

const SECRET = "azure-native:keyvault:Secret";

export interface PublicationRules {
    /**
     * The revocation cutoff run `run` enforces for the connection, if any. A certificate issued
     * before it may stay published while the run replaces it: a vendor could not use it anyway, and
     * revoking deletes its key credential before the secret can move on. "Issued" is as the
     * certificate states it (notBefore, its window's start): the schedule revokes every certificate
     * whose window opened before the cutoff, since a deploy before the cutoff may have issued it.
     */
    cutoffOf(run: number): Date | undefined;
}

/** The thumbprint a vault secret's tags name: the certificate it publishes; undefined while suspended. */
export function secretThumbprint(secret: ResourceVersion): string | undefined {
    return (secret.inputs.tags as Record<string, string> | undefined)?.thumbprintSha1;
}

/**
 * What `connection`'s vault secret publishes at `point`: the thumbprint its tags name, and the
 * certificate resource that issued it (undefined if none did). Undefined when it publishes nothing:
 * not created yet, or suspended.
 */
export function publication(sim: DeploySimulator, point: RunPoint, connection: string): { thumbprint: string; certificate: ResourceVersion | undefined } | undefined {
    const thumbprint = sim
        .resourcesAt(point, SECRET)
        .filter((s) => s.name === `${connection}-secret`)
        .map(secretThumbprint)
        .find((t) => t !== undefined);
    if (thumbprint === undefined) {
        return undefined;
    }
    return { thumbprint, certificate: sim.versions.find((v) => v.type === CERTIFICATE_TYPE && v.outputs.thumbprintSha1 === thumbprint) };
}

/**
 * Why, at `point`, `connection`'s vault secret publishes a certificate Entra does not accept, or
 * undefined when it does (or publishes none: not created yet, or suspended). A certificate that has
 * expired by the run's instant is not checked: after a pause longer than its lifetime no key
 * credential can be valid, a gap the continuity invariant reports.
 */
export function unregisteredPublication(sim: DeploySimulator, point: RunPoint, connection: string, rules: PublicationRules): string | undefined {
    const at = sim.instantOf(point);
    const where = `${connection}, run #${point.run} step ${point.step} ${describeStep(sim, point)}:`;
    const published = publication(sim, point, connection);
    if (published === undefined) {
        return undefined;
    }
    const { certificate } = published;
    if (!certificate) {
        return `${where} the vault secret publishes a certificate no certificate resource issued`;
    }
    const cutoff = rules.cutoffOf(point.run);
    // Certificates count whole seconds: a revoked window's successor starts at the cutoff rounded down.
    const revoked = cutoff !== undefined && Date.parse(String(certificate.outputs.notBefore)) < Math.floor(cutoff.getTime() / 1000) * 1000;
    if (revoked || Date.parse(String(certificate.outputs.notAfter)) <= at.getTime()) {
        return undefined;
    }
    const application = sim.resourcesAt(point, APPLICATION_TYPE).find((a) => a.name === `${connection}-app`);
    const registered = (application?.id && sim.keyCredentialsAt(point).get(application.id)) || [];
    if (!registered.some((credential) => credential.value === certificate.outputs.certificatePem)) {
        return `${where} the vault secret publishes ${certificate.name} (generation ${certificate.generation}), which no valid key credential on ${connection}-app registers`;
    }
    return undefined;
}

/** Every point of every run at which `unregisteredPublication` finds a problem, for each connection. */
export function unregisteredPublications(sim: DeploySimulator, connections: readonly string[], rulesOf: (connection: string) => PublicationRules): string[] {
    return sim.points().flatMap((point) => connections.map((c) => unregisteredPublication(sim, point, c, rulesOf(c))).filter((p): p is string => p !== undefined));
}

/** `(after <operation>; seed <the run's seed>)`: enough to find the point again in describe() and replay it. */
function describeStep(sim: DeploySimulator, point: RunPoint): string {
    const run = sim.history[point.run];
    const after = point.step > 0 ? run.operations[point.step - 1] : undefined;
    return `(${after ? `after ${after.kind} ${after.name}` : "before its first operation"}; seed ${run.seed}${run.ok ? "" : "; the run failed"})`;
}
