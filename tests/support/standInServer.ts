import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo, LookupFunction } from "node:net";
import type { Duplex } from "node:stream";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { join } from "node:path";
import { openssl, withPrivateDir, writePrivateFile } from "../certificate/support/openssl";

// What every stand-in for a Microsoft service shares: its TLS material, its server's life, its
// bearer tokens, and reading a request.
//
// TLS: a throwaway CA and a server certificate for the stand-in's name are made with openssl once
// per test process and name; a client trusts the CA through an https.Agent given to it, with
// certificate checks on, exactly as production code trusts a private root. The CA's key is deleted
// once it has signed the server certificate.

export interface TlsMaterial {
    readonly caPem: string;
    readonly certPem: string;
    readonly keyPem: string;
}

const tlsMaterial = new Map<string, Promise<TlsMaterial>>();

/** A CA and a server certificate for `subjectAltName` (e.g. `IP:127.0.0.1`, `DNS:*.vault.azure.net`), made once per test process. */
export function standInTls(subjectAltName: string): Promise<TlsMaterial> {
    let material = tlsMaterial.get(subjectAltName);
    if (material === undefined) {
        material = makeTls(subjectAltName);
        tlsMaterial.set(subjectAltName, material);
    }
    return material;
}

function makeTls(subjectAltName: string): Promise<TlsMaterial> {
    return withPrivateDir(async (dir) => {
        const at = (name: string) => join(dir, name);
        const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
        const extensions = `subjectAltName=${subjectAltName}\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\n`;
        // Each openssl call is kept as the command line it is.
        // prettier-ignore
        await openssl(["req", "-x509", ...ec, "-keyout", at("ca.key"), "-out", at("ca.pem"), "-days", "2", "-subj", "/CN=vendor-connections stand-in CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"]);
        await openssl(["req", ...ec, "-keyout", at("server.key"), "-out", at("server.csr"), "-subj", "/CN=vendor-connections stand-in"]);
        // prettier-ignore
        await openssl(["x509", "-req", "-in", at("server.csr"), "-CA", at("ca.pem"), "-CAkey", at("ca.key"), "-CAcreateserial", "-days", "2",
            "-out", at("server.pem"), "-extfile", await writePrivateFile(dir, "server.ext", extensions)]);
        const [caPem, certPem, keyPem] = await Promise.all(["ca.pem", "server.pem", "server.key"].map((name) => readFile(at(name), "utf8")));
        return { caPem, certPem, keyPem };
    });
}

/** A request's whole body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.on("error", reject);
    });
}

/**
 * A DNS lookup that answers 127.0.0.1 for every name: an https.Agent with it reaches a stand-in at a
 * real service's name (https://kv-test.vault.azure.net:<port>), so the clients' checks of that name
 * stay on. Node asks for every address (`all`) when it may try several families.
 */
export const loopbackLookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) {
        (callback as unknown as (err: null, addresses: { address: string; family: number }[]) => void)(null, [{ address: "127.0.0.1", family: 4 }]);
    } else {
        callback(null, "127.0.0.1", 4);
    }
};

/** A bearer token as a stand-in judges it. */
export type Bearer = "valid" | "invalid" | "missing";

/**
 * An HTTPS server on a free port of 127.0.0.1 with a certificate for `subjectAltName` from the
 * throwaway CA. `close()` also ends kept-alive connections and requests a test left hanging.
 */
export abstract class HttpsStandIn {
    private readonly sockets = new Set<Duplex>();

    protected constructor(
        protected readonly server: Server,
        readonly port: number,
        protected readonly caPem: string,
    ) {
        server.on("connection", (socket) => {
            this.sockets.add(socket);
            socket.on("close", () => this.sockets.delete(socket));
        });
    }

    /** A listening server and its CA, for a subclass's constructor. */
    protected static async listen(subjectAltName: string): Promise<{ server: Server; port: number; caPem: string }> {
        const tls = await standInTls(subjectAltName);
        const server = createServer({ key: tls.keyPem, cert: tls.certPem });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        return { server, port: (server.address() as AddressInfo).port, caPem: tls.caPem };
    }

    async close(): Promise<void> {
        for (const socket of this.sockets) {
            socket.destroy();
        }
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
}

/** A stand-in for a service that takes bearer tokens: it hands out one it accepts, and ones it refuses. */
export abstract class AuthenticatingStandIn extends HttpsStandIn {
    /** The scopes every token request asked for. */
    readonly scopesAsked: string[][] = [];
    protected readonly token = `stand-in-token-${randomUUID()}`;

    /** A TokenCredential that hands out the stand-in's valid token. */
    credential(): TokenCredential {
        return this.credentialFor(this.token);
    }

    /** The CA certificate (PEM) and the valid token, for a client in another process (which cannot share the agent or credential objects). */
    forChildProcess(): { caPem: string; token: string } {
        return { caPem: this.caPem, token: this.token };
    }

    /** A TokenCredential whose token the stand-in refuses (expired, another audience...). */
    refusedCredential(): TokenCredential {
        return this.credentialFor(`refused-${randomUUID()}`);
    }

    /** How a request's Authorization header stands. */
    protected bearerOf(authorization: string | undefined): Bearer {
        return authorization === undefined ? "missing" : authorization === `Bearer ${this.token}` ? "valid" : "invalid";
    }

    private credentialFor(token: string): TokenCredential {
        return {
            getToken: async (scopes: string | string[]): Promise<AccessToken> => {
                this.scopesAsked.push(Array.isArray(scopes) ? [...scopes] : [scopes]);
                return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
            },
        };
    }
}
