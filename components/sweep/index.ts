// The sweep: a vendor connection's application and service principal converge to exactly what
// its stack declares. The model and the planner are pure; liveState and execute do the Graph I/O.
export * from "./model";
export * from "./keyIdentity";
export * from "./plan";
export * from "./liveState";
export * from "./execute";
