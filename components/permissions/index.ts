// Application permissions: the catalog of well-known APIs and the resolution of a connection's requests.
export * from "./catalog";
export * from "./resolve";
