// The component package's entry proper (./index.js loads it; see there why): every ComponentResource
// class exported here becomes a resource of the package for programs in other languages
// (docs/languages.md), named by its class and typed by its constructor's `args`. Nothing else is
// needed, so nothing else is exported. Loading it declares nothing.
export { VendorConnection, VendorVault } from "../components";
