import { randomUUID, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { Agent, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { openssl, withPrivateDir } from "../certificate/support/openssl";
import { AuthenticatingStandIn, Bearer, HttpsStandIn, readBody } from "./standInServer";

// A stand-in for Microsoft Graph v1.0: a real HTTPS server on 127.0.0.1 that holds a small tenant
// (applications, service principals, their credentials, federated credentials, app role assignments,
// delegated grants and owners) and answers the calls the sweep makes with the shapes and status
// codes of Microsoft's reference pages and their examples:
//   - collections in pages of `pageSize` items linked by an absolute `@odata.nextLink`
//     (https://learn.microsoft.com/graph/paging);
//   - a single object read with `$select=keyCredentials` carries each certificate in `key`, any
//     other read has `key: null` (https://learn.microsoft.com/graph/api/resources/keycredential?view=graph-rest-1.0);
//   - password credentials come with a `hint`, the secret's first characters, as Graph sends them;
//   - PATCH of `keyCredentials` replaces the list: entries naming an existing keyId keep it;
//   - errors in Graph's body shape (https://learn.microsoft.com/graph/errors) with a request-id;
//   - a request without the right bearer token gets 401 InvalidAuthenticationToken.
// Tests inject faults (429 with Retry-After, 401, 403, 404, a hang) for the next matching requests,
// and read back every request it received. It records whether a request had the right token, never
// the token itself.
//
// TLS: a certificate for IP 127.0.0.1 from a throwaway CA (standInServer.ts); the client trusts the
// CA through an https.Agent given to it (`agent()`).

export interface StoredKeyCredential {
    keyId: string;
    /** Base64 DER of the certificate. */
    key: string;
    customKeyIdentifier: string | null;
    displayName: string | null;
    type: string;
    usage: string;
    startDateTime: string;
    endDateTime: string;
}

export interface StoredPassword {
    keyId: string;
    displayName: string | null;
    hint: string;
    startDateTime: string;
    endDateTime: string;
}

export interface StoredOwner {
    id: string;
    type: "user" | "servicePrincipal";
}

export interface StoredApplication {
    keyCredentials: StoredKeyCredential[];
    passwordCredentials: StoredPassword[];
    federatedIdentityCredentials: { id: string; name: string; issuer: string; subject: string; description: string | null; audiences: string[] }[];
    owners: StoredOwner[];
}

export interface StoredServicePrincipal {
    accountEnabled: boolean;
    keyCredentials: StoredKeyCredential[];
    passwordCredentials: StoredPassword[];
    appRoleAssignments: { id: string; appRoleId: string; resourceId: string; resourceDisplayName: string; principalId: string; createdDateTime?: string }[];
    owners: StoredOwner[];
}

export interface StoredGrant {
    id: string;
    clientId: string;
    resourceId: string;
    consentType: "AllPrincipals" | "Principal";
    principalId: string | null;
    scope: string;
}

export interface StandInTenant {
    applications: Map<string, StoredApplication>;
    servicePrincipals: Map<string, StoredServicePrincipal>;
    oauth2PermissionGrants: StoredGrant[];
}

export interface RecordedRequest {
    readonly method: string;
    /** Path under /v1.0, e.g. `/applications/<id>`. */
    readonly path: string;
    readonly query: Readonly<Record<string, string>>;
    readonly body: unknown;
    /** Whether the request carried the stand-in's token; the token itself is not kept. */
    readonly bearer: Bearer;
    readonly status: number;
    /** Milliseconds since the stand-in started, when the request arrived. */
    readonly receivedAt: number;
}

/** Answer the next `times` matching requests with `status` (or never, for `hang`), before the tenant is consulted. */
export interface Fault {
    readonly method?: string;
    readonly path?: RegExp;
    readonly status?: number;
    readonly headers?: Readonly<Record<string, string>>;
    readonly code?: string;
    readonly message?: string;
    /** A whole answer body instead of Graph's error shape, e.g. a malformed page. */
    readonly body?: unknown;
    readonly hang?: boolean;
    times: number;
}

export interface StandInOptions {
    /** Items per page of every collection. Default 2, so that every listing pages. */
    readonly pageSize?: number;
    /** Delay before each answer, so that concurrent requests overlap. Default 0. */
    readonly latencyMs?: number;
}

/** A certificate to register as a key credential: its base64 DER and SHA-1 thumbprint (uppercase hex, as Node's X509Certificate reports it). */
export interface TestCertificate {
    readonly keyBase64: string;
    readonly thumbprint: string;
}

/** A fresh self-signed certificate (its private key is discarded with the temporary directory). */
export async function testCertificate(commonName: string): Promise<TestCertificate> {
    return withPrivateDir(async (dir) => {
        // Kept as the command line it is.
        // prettier-ignore
        await openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "k.pem"),
            "-out", join(dir, "c.pem"), "-days", "2", "-subj", `/CN=${commonName}`]);
        const certificate = new X509Certificate(await readFile(join(dir, "c.pem")));
        return { keyBase64: certificate.raw.toString("base64"), thumbprint: certificate.fingerprint.replace(/:/g, "") };
    });
}

/** A Key Vault secret's current version, as the stand-in vault holds it. */
export interface StoredSecret {
    enabled: boolean;
    tags: Record<string, string>;
    value: string;
}

export class GraphStandIn extends AuthenticatingStandIn {
    readonly tenant: StandInTenant = { applications: new Map(), servicePrincipals: new Map(), oauth2PermissionGrants: [] };
    /**
     * A Key Vault at the same origin, for what verify reads of it: Get Secrets (`GET /secrets`,
     * attributes and tags, never values: https://learn.microsoft.com/rest/api/keyvault/secrets/get-secrets/get-secrets)
     * and, so that a test can tell it was never asked, Get Secret (`GET /secrets/{name}`, with the value).
     */
    readonly vaultSecrets = new Map<string, StoredSecret>();
    readonly requests: RecordedRequest[] = [];
    /** The most requests the stand-in was answering at once. */
    maxInFlight = 0;
    /** Called with each request once it is answered, e.g. to change the tenant as another writer would. */
    afterRequest: (request: RecordedRequest) => void = () => {};

    private readonly faults: Fault[] = [];
    private readonly startedAt = Date.now();
    private inFlight = 0;
    readonly origin: string;

    private constructor(
        listening: { server: Server; port: number; caPem: string },
        private readonly options: Required<StandInOptions>,
    ) {
        super(listening.server, listening.port, listening.caPem);
        this.origin = `https://127.0.0.1:${listening.port}`;
    }

    static async start(options: StandInOptions = {}): Promise<GraphStandIn> {
        const standIn = new GraphStandIn(await HttpsStandIn.listen("IP:127.0.0.1"), { pageSize: options.pageSize ?? 2, latencyMs: options.latencyMs ?? 0 });
        standIn.server.on("request", (req, res) => void standIn.answer(req, res));
        return standIn;
    }

    /** An https.Agent that trusts the stand-in's CA (and nothing else): certificate checks stay on. */
    agent(): Agent {
        return new Agent({ ca: this.caPem, keepAlive: true });
    }

    /** True when `text` contains any token this stand-in handed out: for asserting that none leaks. */
    leaksToken(text: string): boolean {
        return text.includes(this.token) || /refused-[0-9a-f-]{36}/.test(text);
    }

    fail(fault: Fault): void {
        this.faults.push({ ...fault });
    }

    /** Requests other than those the test itself counts out, e.g. `requestsTo("DELETE")`. */
    requestsTo(method: string, path?: RegExp): RecordedRequest[] {
        return this.requests.filter((r) => r.method === method && (path === undefined || path.test(r.path)));
    }

    private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        const receivedAt = Date.now() - this.startedAt;
        const url = new URL(req.url ?? "/", this.origin);
        const text = await readBody(req);
        const body = text === "" ? undefined : safeJson(text);
        const bearer = this.bearerOf(req.headers.authorization);
        const path = url.pathname.replace(/^\/v1\.0/, "");
        const method = req.method ?? "GET";
        const reply = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
            const recorded: RecordedRequest = { method, path, query: Object.fromEntries(url.searchParams), body, bearer, status, receivedAt };
            this.requests.push(recorded);
            this.inFlight -= 1;
            this.afterRequest(recorded);
            if (res.destroyed) {
                return;
            }
            const requestId = randomUUID();
            res.writeHead(status, { "request-id": requestId, ...(payload === undefined ? {} : { "content-type": "application/json" }), ...headers });
            res.end(payload === undefined ? undefined : JSON.stringify(withRequestId(payload, requestId)));
        };

        if (this.options.latencyMs > 0) {
            await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
        }
        const fault = this.takeFault(method, path);
        if (fault?.hang) {
            this.requests.push({ method, path, query: Object.fromEntries(url.searchParams), body, bearer, status: 0, receivedAt });
            this.inFlight -= 1;
            return; // never answered; close() destroys the socket
        }
        if (fault?.body !== undefined) {
            return reply(fault.status ?? 200, fault.body, { ...fault.headers });
        }
        if (fault) {
            return reply(fault.status ?? 500, graphError(fault.code ?? codeFor(fault.status ?? 500), fault.message ?? messageFor(fault.status ?? 500)), { ...fault.headers });
        }
        if (bearer !== "valid") {
            return reply(401, graphError("InvalidAuthenticationToken", "Access token validation failure. Invalid audience."));
        }
        if (url.pathname === "/secrets" || url.pathname.startsWith("/secrets/")) {
            const [status, payload] = this.vault(method, url);
            return reply(status, payload);
        }
        if (!url.pathname.startsWith("/v1.0/")) {
            return reply(400, graphError("BadRequest", "Invalid version."));
        }
        const [status, payload] = this.route(method, path, url, body);
        reply(status, payload);
    }

    private takeFault(method: string, path: string): Fault | undefined {
        const index = this.faults.findIndex((f) => f.times > 0 && (f.method === undefined || f.method === method) && (f.path === undefined || f.path.test(path)));
        if (index < 0) {
            return undefined;
        }
        const fault = this.faults[index];
        fault.times -= 1;
        return fault;
    }

    private route(method: string, path: string, url: URL, body: unknown): [number, unknown?] {
        const segments = path
            .split("/")
            .filter((s) => s !== "")
            .map(decodeURIComponent);
        const [collection, id, relation, itemId, ref] = segments;
        if (collection === "oauth2PermissionGrants") {
            return this.grants(method, id, url);
        }
        if (collection !== "applications" && collection !== "servicePrincipals") {
            return [400, graphError("BadRequest", `Resource not found for the segment '${collection}'.`)];
        }
        const object = collection === "applications" ? this.tenant.applications.get(id) : this.tenant.servicePrincipals.get(id);
        if (object === undefined) {
            return notFound(id);
        }
        if (relation === undefined) {
            if (method === "GET") {
                return [200, this.objectBody(collection, id, object, url)];
            }
            if (method === "PATCH") {
                return replaceKeyCredentials(object, body);
            }
        }
        if (relation === "removePassword" && method === "POST") {
            const keyId = (body as { keyId?: unknown } | undefined)?.keyId;
            const index = object.passwordCredentials.findIndex((p) => p.keyId === keyId);
            // The reference does not say what an unknown keyId returns; 400 keeps anything here
            // from depending on it being a 404.
            if (index < 0) {
                return [400, graphError("Request_BadRequest", "No password credential found with the given keyId.")];
            }
            object.passwordCredentials.splice(index, 1);
            return [204];
        }
        if (relation === "owners") {
            if (method === "GET" && itemId === undefined) {
                return [
                    200,
                    this.page(
                        object.owners.map((o) => ({ "@odata.type": `#microsoft.graph.${o.type}`, id: o.id })),
                        url,
                    ),
                ];
            }
            if (method === "DELETE" && ref === "$ref") {
                return removeFrom(object.owners, itemId);
            }
        }
        if (relation === "federatedIdentityCredentials" && collection === "applications") {
            const application = object as StoredApplication;
            if (method === "GET" && itemId === undefined) {
                return [200, this.page(application.federatedIdentityCredentials, url)];
            }
            if (method === "DELETE") {
                return removeFrom(application.federatedIdentityCredentials, itemId);
            }
        }
        if (relation === "appRoleAssignments" && collection === "servicePrincipals") {
            const servicePrincipal = object as StoredServicePrincipal;
            if (method === "GET" && itemId === undefined) {
                return [
                    200,
                    this.page(
                        servicePrincipal.appRoleAssignments.map((a) => ({ ...a, principalType: "ServicePrincipal", deletedDateTime: null })),
                        url,
                    ),
                ];
            }
            if (method === "DELETE") {
                return removeFrom(servicePrincipal.appRoleAssignments, itemId);
            }
        }
        return [405, graphError("Request_BadRequest", `${method} ${path} is not supported by the stand-in.`)];
    }

    private vault(method: string, url: URL): [number, unknown?] {
        if (method !== "GET" || url.searchParams.get("api-version") === null) {
            return [400, { error: { code: "BadParameter", message: "The stand-in vault answers GET with an api-version only." } }];
        }
        const name = url.pathname.split("/")[2];
        if (name !== undefined) {
            const secret = this.vaultSecrets.get(decodeURIComponent(name));
            return secret ? [200, { id: `${this.origin}/secrets/${name}/1`, value: secret.value, attributes: { enabled: secret.enabled }, tags: secret.tags }] : notFound(name);
        }
        const items = [...this.vaultSecrets].map(([secretName, { enabled, tags }]) => ({
            id: `${this.origin}/secrets/${secretName}`,
            attributes: { enabled },
            tags,
            contentType: "application/x-pkcs12",
        }));
        const { value, "@odata.nextLink": nextLink } = this.page(items, url) as { value: unknown[]; "@odata.nextLink"?: string };
        return [200, { value, nextLink: nextLink ?? null }];
    }

    private grants(method: string, id: string | undefined, url: URL): [number, unknown?] {
        if (method === "GET" && id === undefined) {
            const filter = url.searchParams.get("$filter");
            const match = filter === null ? undefined : /^clientId eq '([0-9a-f-]{36})'$/.exec(filter);
            if (filter !== null && !match) {
                return [400, graphError("BadRequest", `Invalid filter clause: ${filter}`)];
            }
            const grants = this.tenant.oauth2PermissionGrants.filter((g) => !match || g.clientId === match[1]);
            return [200, this.page(grants, url)];
        }
        if (method === "DELETE" && id !== undefined) {
            return removeFrom(this.tenant.oauth2PermissionGrants, id);
        }
        return [405, graphError("Request_BadRequest", `${method} is not supported by the stand-in here.`)];
    }

    private objectBody(collection: string, id: string, object: StoredApplication | StoredServicePrincipal, url: URL): unknown {
        const select = (url.searchParams.get("$select") ?? "").split(",").filter((s) => s !== "");
        // `key` is returned only when a single object is read selecting keyCredentials.
        const withKeys = select.includes("keyCredentials");
        const full = {
            id,
            ...("accountEnabled" in object ? { accountEnabled: object.accountEnabled } : {}),
            keyCredentials: object.keyCredentials.map((k) => ({ ...k, key: withKeys ? k.key : null })),
            passwordCredentials: object.passwordCredentials.map((p) => ({ customKeyIdentifier: null, secretText: null, ...p })),
            displayName: `stand-in ${collection} ${id}`,
        };
        const selected = select.length === 0 ? full : Object.fromEntries(Object.entries(full).filter(([key]) => select.includes(key)));
        return { "@odata.context": `${this.origin}/v1.0/$metadata#${collection}(${select.join(",")})/$entity`, ...selected };
    }

    private page(items: readonly unknown[], url: URL): unknown {
        const offset = Number(Buffer.from(url.searchParams.get("$skiptoken") ?? "", "base64url").toString() || "0");
        const end = offset + this.options.pageSize;
        const next = new URL(url.href);
        next.searchParams.set("$skiptoken", Buffer.from(String(end)).toString("base64url"));
        return {
            "@odata.context": `${this.origin}/v1.0/$metadata#directoryObjects`,
            value: items.slice(offset, end),
            ...(end < items.length ? { "@odata.nextLink": `${this.origin}${next.pathname}${next.search}` } : {}),
        };
    }
}

// PATCH keyCredentials: the list given replaces the stored one. An entry with a stored keyId keeps
// that credential; a new one must carry its certificate.
function replaceKeyCredentials(object: StoredApplication | StoredServicePrincipal, body: unknown): [number, unknown?] {
    const given = (body as { keyCredentials?: unknown } | undefined)?.keyCredentials;
    if (!Array.isArray(given)) {
        return [400, graphError("Request_BadRequest", "The stand-in accepts PATCH of keyCredentials only.")];
    }
    const next: StoredKeyCredential[] = [];
    for (const entry of given as Partial<StoredKeyCredential>[]) {
        const existing = object.keyCredentials.find((k) => k.keyId === entry.keyId);
        if (existing) {
            next.push(existing);
        } else if (typeof entry.key === "string" && entry.key !== "") {
            next.push({
                keyId: entry.keyId ?? randomUUID(),
                key: entry.key,
                customKeyIdentifier: entry.customKeyIdentifier ?? null,
                displayName: entry.displayName ?? null,
                type: entry.type ?? "AsymmetricX509Cert",
                usage: entry.usage ?? "Verify",
                startDateTime: entry.startDateTime ?? new Date().toISOString(),
                endDateTime: entry.endDateTime ?? new Date().toISOString(),
            });
        } else {
            return [400, graphError("Request_BadRequest", "Key credential key is missing.")];
        }
    }
    object.keyCredentials = next;
    return [204];
}

function removeFrom(items: { id: string }[], id: string | undefined): [number, unknown?] {
    const index = items.findIndex((item) => item.id === id);
    if (index < 0) {
        return notFound(id ?? "");
    }
    items.splice(index, 1);
    return [204];
}

function notFound(id: string): [number, unknown] {
    return [404, graphError("Request_ResourceNotFound", `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`)];
}

function graphError(code: string, message: string): unknown {
    return { error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19) } } };
}

function withRequestId(payload: unknown, requestId: string): unknown {
    const error = (payload as { error?: { innerError?: object } }).error;
    return error ? { error: { ...error, innerError: { ...error.innerError, "request-id": requestId, "client-request-id": requestId } } } : payload;
}

function codeFor(status: number): string {
    return (
        { 401: "InvalidAuthenticationToken", 403: "Authorization_RequestDenied", 404: "Request_ResourceNotFound", 429: "TooManyRequests", 503: "serviceNotAvailable" }[status] ??
        "generalException"
    );
}

function messageFor(status: number): string {
    return (
        {
            401: "Access token has expired or is not yet valid.",
            403: "Insufficient privileges to complete the operation.",
            404: "Resource does not exist or one of its queried reference-property objects are not present.",
            429: "Please retry again later.",
            503: "The service is temporarily unavailable.",
        }[status] ?? "An unexpected error occurred."
    );
}

function safeJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
