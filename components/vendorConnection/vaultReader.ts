import type { VaultReader } from "../vault/firewall";
import type { ConnectionPlan } from "./validation";

/** How a connection reaches its vault, as the vault firewall judges it; `path` locates its settings. */
export function vaultReaderOf(plan: ConnectionPlan, path: string): VaultReader {
    return {
        path,
        inVault: plan.credential.type !== "federated",
        readers: plan.readers.length,
        allowedIpRanges: plan.allowedNetworks?.ipRanges,
        readerIpRanges: plan.readerIpRanges,
    };
}
