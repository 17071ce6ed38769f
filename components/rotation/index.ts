// Pure rotation maths: durations, certificate policy, and the schedule of certificates per deploy.
export { formatDuration, parseDuration } from "./duration";
export { resolveCertificatePolicy } from "./policy";
export type { CertificatePolicy, CertificatePolicyInput } from "./policy";
export { parseRevocationCutoff, resolveRevocationCutoff } from "./cutoff";
export { isRevocationIdentity, scheduleCertificates } from "./schedule";
export type { CertificateSchedule, PlannedCertificate, ScheduleInput } from "./schedule";
