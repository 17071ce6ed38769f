import type { ReaderUse, VaultReader } from "../vault/firewall";
import type { CredentialPlan } from "./credentialPlan";
import type { ConnectionPlan } from "./validation";

const READERS_USE: Readonly<Record<CredentialPlan["type"], ReaderUse | undefined>> = { certificate: "certificate", vaultKey: "key", federated: undefined };

/** How a connection reaches its vault, as the vault firewall judges it; `path` locates its settings. */
export function vaultReaderOf(plan: ConnectionPlan, path: string): VaultReader {
    return {
        path,
        readersUse: READERS_USE[plan.credential.type],
        readers: plan.readers.length,
        allowedIpRanges: plan.allowedNetworks?.ipRanges,
        readerIpRanges: plan.readerIpRanges,
    };
}
