// Waits until every resource registration and invoke the program started has been answered.
export { settle } from "../../cli/plan/offlineEngine";
