// The shared helper, so certificate tests also reject at once on an unknown value (as in preview)
// instead of waiting forever for an apply callback that never runs.
export { valueOf } from "../../support/outputs";
