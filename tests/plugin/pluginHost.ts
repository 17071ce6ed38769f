import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";

// Pulumi's Node.js plugin host (@pulumi/pulumi/cmd/run-plugin) as the Pulumi CLI starts it for a
// component package: `node run-plugin <plugin folder>`, from the consuming program's folder, which
// here is an empty one (a Python or YAML project has no tsconfig.json or node_modules). It prints
// the port of its gRPC server, Pulumi's resource provider protocol, once the package has loaded.

// The SDK's generated gRPC stubs of the provider protocol.
const services = require("@pulumi/pulumi/proto/provider_grpc_pb") as { ResourceProviderClient: new (address: string, credentials: grpc.ChannelCredentials) => ProviderClient };
const { Empty } = require("google-protobuf/google/protobuf/empty_pb") as { Empty: new () => object };

interface ProviderClient extends grpc.Client {
    getPluginInfo(request: object, callback: (err: grpc.ServiceError | null, response: { getVersion(): string }) => void): void;
}

export interface PluginHost {
    /** The version the host serves the package as (GetPluginInfo). */
    version(): Promise<string>;
    stop(): void;
}

/** Starts the host on `pluginDir`; resolves once it serves, rejects with its output if it exits first. */
export function startPluginHost(pluginDir: string, timeoutMs: number): Promise<PluginHost> {
    let served = false;
    const cwd = mkdtempSync(join(tmpdir(), "vendor-connections-program-"));
    // No engine to report to: log messages go nowhere, which serving a schema does not need.
    const child: ChildProcess = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-plugin"), pluginDir], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const stop = () => {
        child.kill();
        rmSync(cwd, { recursive: true, force: true });
    };
    return new Promise<PluginHost>((resolvePort, reject) => {
        const timer = setTimeout(() => fail(`did not serve within ${timeoutMs} ms`), timeoutMs);
        const fail = (why: string) => {
            clearTimeout(timer);
            stop();
            reject(new Error(`the plugin host ${why}:\n${output}`));
        };
        child.stderr!.on("data", (chunk) => (output += chunk));
        child.stdout!.on("data", (chunk) => {
            output += chunk;
            const port = /^(\d+)\s*$/m.exec(output)?.[1];
            if (port !== undefined && !served) {
                served = true;
                clearTimeout(timer);
                const client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
                resolvePort({
                    version: () =>
                        new Promise((resolveVersion, rejectVersion) =>
                            client.getPluginInfo(new Empty(), (err, response) => (err ? rejectVersion(err) : resolveVersion(response.getVersion()))),
                        ),
                    stop: () => {
                        client.close();
                        stop();
                    },
                });
            }
        });
        child.on("exit", (code) => served || fail(`exited with ${code}`));
    });
}
