// The fewest resource operations a deploy must perform on one connection, derived from what the
// product promises (docs/architecture.md#rotation-invariants) and from the certificates the
// connection holds before the deploy, not from any mechanism (slots, windows, identities) that
// meets the promise:
//
// - Bounded exposure and revocation: every certificate the connection holds that has expired, or
//   was issued before the revocation cutoff, must go. Each is registered on the application as a
//   key credential and kept in state as a certificate: 2 deletions.
// - Continuity: if none of what remains is valid for longer than the renew-before window, one
//   new certificate must be issued and registered as a key credential: 2 creations.
// - The vault publishes the newest certificate: it changes, by 1 update of the secret, exactly
//   when a new certificate is issued.
// Nothing else must change, so this sum is the minimum, and a redeploy with nothing due has 0.
// A create-before-delete replacement counts as the creation plus the deletion it is.

/** A certificate a connection holds before the deploy (from the stack's state). */
export interface HeldCertificate {
    readonly issuedAt: Date;
    readonly notAfter: Date;
}

export interface MinimalOperationsInput {
    readonly held: readonly HeldCertificate[];
    /** The deploy instant. */
    readonly at: Date;
    /** Renew this long before the newest certificate expires. */
    readonly renewBeforeMs: number;
    /** Certificates issued before this instant must be revoked. */
    readonly revokeIssuedBefore?: Date;
}

export interface MinimalOperations {
    readonly removedCertificates: number;
    readonly issuedCertificates: number;
    readonly secretUpdates: number;
    readonly total: number;
}

export function minimalOperations({ held, at, renewBeforeMs, revokeIssuedBefore }: MinimalOperationsInput): MinimalOperations {
    const mustGo = (c: HeldCertificate) => c.notAfter <= at || (revokeIssuedBefore !== undefined && c.issuedAt < revokeIssuedBefore);
    const remaining = held.filter((c) => !mustGo(c));
    const latestExpiry = Math.max(...remaining.map((c) => c.notAfter.getTime()));
    const issuedCertificates = remaining.length === 0 || at.getTime() >= latestExpiry - renewBeforeMs ? 1 : 0;
    const removedCertificates = held.length - remaining.length;
    const secretUpdates = issuedCertificates;
    return {
        removedCertificates,
        issuedCertificates,
        secretUpdates,
        total: 2 * removedCertificates + 2 * issuedCertificates + secretUpdates,
    };
}
