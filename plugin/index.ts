// The component package's entry: what Pulumi's Node.js plugin host loads to serve the components to
// programs in other languages (docs/languages.md). Every ComponentResource class exported here
// becomes a resource of the package, named by its class and typed by its constructor's `args`;
// nothing else is needed, so nothing else is exported. Loading it declares nothing.
export { VendorConnection, VendorVault } from "../components";
