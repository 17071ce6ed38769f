// Imported first by the plan's CLI, before anything loads @pulumi/pulumi: see
// ./providerSerialization. An import of its own so that no import above it can load the SDK first.
import { skipProviderSerialization } from "./providerSerialization";

skipProviderSerialization();
