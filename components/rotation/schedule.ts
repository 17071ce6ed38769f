import { joinPath } from "../errors";
import { toRfc3339, truncateToSecond } from "../time";
import { resolveRevocationCutoff } from "./cutoff";
import { CertificatePolicy } from "./policy";

// The rotation schedule: which certificates a connection must have at a deploy instant. Pure: the
// deploy instant and the cutoffs are passed in, so a plan for any date and a redeploy simulator
// compute exactly what `pulumi up` would.
//
// Rotation windows have length P = lifetime - renewBefore and are numbered from the Unix epoch:
// window k is [k*P, (k+1)*P). The certificate of window k is valid from k*P to k*P + lifetime =
// (k+1)*P + renewBefore, so it outlives its window by exactly renewBefore: that is the overlap in
// which it and its successor are both registered. The two certificates alternate between two
// slots by window parity, and a certificate's identity (the only input the certificate resource
// compares, with its validity) depends only on its window and the revocation cutoff, so redeploys
// inside a window change nothing and a rotation touches only the slot being rotated.

/** One certificate the connection must have at the deploy instant. */
export interface PlannedCertificate {
    /** Resource slot: "a" for even windows, "b" for odd ones. */
    readonly slot: "a" | "b";
    /** Rotation window number: the window starts at window * (lifetime - renewBefore) after the epoch. */
    readonly window: number;
    /** Opaque identity: changes only when a new window starts for this slot or a revocation applies. */
    readonly identity: string;
    readonly notBefore: Date;
    readonly notAfter: Date;
    /** True for the newest certificate, the one the vault publishes. */
    readonly active: boolean;
}

export interface CertificateSchedule {
    /** 0 to 2 certificates, oldest first, the active one last. Empty while suspended. */
    readonly certificates: readonly PlannedCertificate[];
    readonly active: PlannedCertificate | undefined;
    /**
     * When the next window opens: the first deploy at or after it issues a new certificate. The
     * previous certificate, if any, is removed by the first deploy at or after its notAfter.
     * Undefined while suspended.
     */
    readonly nextRotation: Date | undefined;
    /** The effective revocation cutoff: the latest of those given. */
    readonly revokeIssuedBefore: Date | undefined;
    readonly suspended: boolean;
}

export interface ScheduleInput {
    readonly policy: CertificatePolicy;
    /** The deploy instant. */
    readonly now: Date;
    /** Revocation cutoffs (e.g. the connection's and a stack-wide one); undefined entries are ignored. */
    readonly revokeIssuedBefore?: readonly (Date | undefined)[];
    /** No certificate at all while suspended. */
    readonly suspended?: boolean;
    /** Where the connection's settings are, for error messages (`connections.acme`). */
    readonly path?: string;
}

/**
 * The certificates a connection must have at `now` under `policy`, which one is active, and when
 * the next rotation falls due. Throws a ValidationError for a cutoff after `now` (see
 * resolveRevocationCutoff).
 */
export function scheduleCertificates(input: ScheduleInput): CertificateSchedule {
    const { policy, now } = input;
    const path = input.path ?? "";
    const nowMs = now.getTime();
    if (Number.isNaN(nowMs)) {
        throw new RangeError("scheduleCertificates: now is not a valid Date.");
    }
    const periodMs = policy.lifetimeMs - policy.renewBeforeMs;
    if (!(periodMs > 0 && periodMs % 1000 === 0 && policy.renewBeforeMs > 0)) {
        throw new RangeError("scheduleCertificates: policy was not produced by resolveCertificatePolicy.");
    }

    const cutoff = resolveRevocationCutoff(input.revokeIssuedBefore ?? [], now, joinPath(path, "revokeIssuedBefore"))?.getTime();
    const suspended = input.suspended === true;
    if (suspended) {
        return { certificates: [], active: undefined, nextRotation: undefined, revokeIssuedBefore: dateOrUndefined(cutoff), suspended };
    }

    // Exact integers: periodMs is whole seconds, so every window start is a whole second even
    // when `now` carries milliseconds; Math.floor keeps instants before 1970 in the right window.
    const k = Math.floor(nowMs / periodMs);
    const start = (j: number) => j * periodMs;
    const plan = (j: number, active: boolean, notBeforeMs: number, revoked: boolean): PlannedCertificate => ({
        slot: mod2(j) === 0 ? "a" : "b",
        window: j,
        identity: `window:${toRfc3339(new Date(start(j)))}` + (revoked ? `${REVOKED_MARK}${formatCutoff(cutoff as number)}` : ""),
        notBefore: new Date(notBeforeMs),
        notAfter: new Date(start(j) + policy.lifetimeMs),
        active,
    });

    // The active certificate, of window k. If its window opened before the cutoff, a deploy
    // before the cutoff may have issued it, so it takes an identity derived from the cutoff: the
    // certificate resource sees a new input and issues a fresh one. That one is issued now, after
    // the cutoff (a cutoff is never after `now`), and says so with notBefore = the cutoff.
    // Certificates and key credentials count whole seconds; rounding the cutoff down keeps a revoked
    // certificate valid at the deploy instant (cutoff <= now). Comparisons with window starts use the
    // exact cutoff, so a sub-second cutoff still revokes the window it falls in.
    const activeRevoked = cutoff !== undefined && start(k) < cutoff;
    const active = plan(k, true, activeRevoked ? truncateToSecond(cutoff) : start(k), activeRevoked);

    // The previous certificate, of window k-1, is kept while it is still valid (until
    // start(k) + renewBefore): that overlap gives the vendor time to fetch the new one. Its
    // identity must be the one it had as the active certificate of window k-1, or the deploy
    // would replace it rather than keep it:
    // - window k-1 opened at or after the cutoff: nothing of it predates the cutoff; natural identity.
    // - the cutoff lies inside window k-1 (start(k-1) < cutoff < start(k)): a deploy in
    //   [cutoff, start(k)) may have issued it with the cutoff identity and the vendor may be
    //   using it, so it keeps that identity. (If no such deploy ran, this issues a fresh
    //   certificate after the cutoff: harmless, and the schedule cannot know.)
    // - the cutoff is at or after start(k): every deploy that declared window k-1 as active ran
    //   before the cutoff, so every certificate of window k-1 was issued before it, and it is
    //   dropped entirely: revocation allows no overlap. At exactly start(k) the interval
    //   [cutoff, start(k)) above is empty, so this case, not that one, applies.
    // The rule behind both: a previous certificate that some deploy in its own window could have
    // published keeps the identity it was published with. The schedule cannot see past deploys,
    // though: a first deploy (or a resume from suspended) inside the overlap
    // [start(k), start(k) + renewBefore) plans a window k-1 certificate too, although no deploy
    // ever published it; it is made up for the overlap alone and expires at start(k) + renewBefore.
    const certificates: PlannedCertificate[] = [];
    const previousExpires = start(k) + policy.renewBeforeMs;
    if (nowMs < previousExpires && (cutoff === undefined || cutoff < start(k))) {
        const previousRevoked = cutoff !== undefined && start(k - 1) < cutoff;
        certificates.push(plan(k - 1, false, previousRevoked ? truncateToSecond(cutoff) : start(k - 1), previousRevoked));
    }
    certificates.push(active);

    return {
        certificates,
        active,
        nextRotation: new Date(start(k + 1)),
        revokeIssuedBefore: dateOrUndefined(cutoff),
        suspended,
    };
}

// A certificate identity is `window:<start>`, plus `;revoked:<cutoff>` when its window opened
// before the revocation cutoff, so that a deploy before the cutoff may have issued it.
const REVOKED_MARK = ";revoked:";

/**
 * Whether `identity` (a PlannedCertificate's) is a revocation identity: its window opened before the
 * revocation cutoff, so the certificate it names must have been issued at or after the cutoff, and
 * one of the same window issued earlier is revoked. A slot whose new certificate has such an
 * identity replaces a certificate that may be revoked; any other replacement (a new window, a new
 * policy) supersedes one that is not.
 */
export function isRevocationIdentity(identity: string): boolean {
    return identity.startsWith("window:") && identity.includes(REVOKED_MARK);
}

// The identity keeps a cutoff's milliseconds, if it has any, so that two cutoffs within one
// second still give different identities (the later one must replace what the earlier issued).
function formatCutoff(cutoffMs: number): string {
    return cutoffMs % 1000 === 0 ? toRfc3339(new Date(cutoffMs)) : new Date(cutoffMs).toISOString();
}

function dateOrUndefined(ms: number | undefined): Date | undefined {
    return ms === undefined ? undefined : new Date(ms);
}

function mod2(n: number): number {
    return ((n % 2) + 2) % 2;
}
