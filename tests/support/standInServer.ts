import { readFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import type { LookupFunction } from "node:net";
import { join } from "node:path";
import { openssl, withPrivateDir, writePrivateFile } from "../certificate/support/openssl";

// What every stand-in for a Microsoft service shares: its TLS material and reading a request.
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
