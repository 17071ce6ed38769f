// The bounds a certificate request must respect: a request outside them is refused with an Error
// naming the option and what is allowed. Kept apart from issue.ts so that validation, the engine
// and the dynamic provider can share them without importing each other.

/** RSA modulus sizes we issue. Entra accepts RSA only for client assertions (docs/security.md#algorithms). */
export type KeySize = 2048 | 3072 | 4096;

export const KEY_SIZES: readonly KeySize[] = [2048, 3072, 4096];

export const DEFAULT_KEY_SIZE: KeySize = 2048;

/**
 * The longest validity we issue. Connections rotate in days to weeks
 * (docs/architecture.md#rotation-model); 397 days is the CA/Browser Forum ceiling for public leaf
 * certificates and bounds any misconfigured schedule.
 */
export const MAX_LIFETIME_DAYS = 397;

/** X.520 ub-common-name / ub-organization-name (RFC 5280, appendix A.1). */
export const MAX_NAME_LENGTH = 64;

/** X.509 validity is encoded as UTCTime up to 2049 and GeneralizedTime after (RFC 5280 4.1.2.5). */
export const EARLIEST_YEAR = 1950;
export const LATEST_YEAR = 9999;
