import * as assert from "node:assert/strict";
import { valueOf } from "../support/outputs";
import { settle } from "../support/settle";
import { fakeGuid } from "../support/fakes";
import { issueLines } from "../support/validation";
import { NOW, T, connectionHarness, names } from "./support";

const SP = fakeGuid("sp:acme-sp");
const LOCATION = fakeGuid("location:acme-location");

describe("VendorConnection allowedIpRanges (Conditional Access for the service principal)", () => {
    const h = connectionHarness();

    it("declares a named location with the ranges and a policy that blocks the service principal everywhere else", async () => {
        await h.declare("acme", { displayName: "Acme Scanner", allowedIpRanges: ["203.0.113.0/24", "198.51.100.7", "2001:db8:4e57::/48"] });

        assert.equal(h.mocks.ofType(T.namedLocation).length, 1);
        assert.equal(h.mocks.ofType(T.policy).length, 1);
        assert.deepEqual(h.mocks.one(T.namedLocation, "acme-location").inputs, {
            displayName: "Acme Scanner: allowed networks",
            // A single address becomes its /32; the order is the user's.
            ip: { ipRanges: ["203.0.113.0/24", "198.51.100.7/32", "2001:db8:4e57::/48"], trusted: false },
        });
        assert.deepEqual(h.mocks.one(T.policy, "acme-location-policy").inputs, {
            displayName: "Acme Scanner: block sign-in outside allowed networks",
            state: "enabled",
            conditions: {
                users: { includedUsers: ["None"] },
                clientApplications: { includedServicePrincipals: [SP] },
                applications: { includedApplications: ["All"] },
                clientAppTypes: ["all"],
                locations: { includedLocations: ["All"], excludedLocations: [LOCATION] },
            },
            grantControls: { operator: "OR", builtInControls: ["block"] },
        });
    });

    it("report-only: the policy records what it would block and blocks nothing", async () => {
        await h.declare("acme", { allowedIpRanges: ["203.0.113.0/24"], allowedIpRangesState: "reportOnly" });
        assert.equal(h.mocks.one(T.policy, "acme-location-policy").inputs.state, "enabledForReportingButNotEnforced");
    });

    it("is opt-in: no named location and no policy without allowedIpRanges", async () => {
        await h.declare("acme", {});
        assert.deepEqual(h.mocks.ofType(T.namedLocation), []);
        assert.deepEqual(h.mocks.ofType(T.policy), []);
    });

    it("keeps the policy while suspended (the disabled service principal stays pinned when resumed)", async () => {
        await h.declare("acme", { allowedIpRanges: ["203.0.113.0/24"], suspended: true });
        assert.deepEqual(names(h.mocks.resources.filter((r) => r.type === T.namedLocation || r.type === T.policy)), [
            `${T.policy} acme-location-policy`,
            `${T.namedLocation} acme-location`,
        ]);
        assert.equal(h.mocks.one(T.servicePrincipal, "acme-sp").inputs.accountEnabled, false);
    });

    it("touches only its own connection: two pinned connections, two locations, each policy on its own service principal", async () => {
        await h.declare("acme", { allowedIpRanges: ["203.0.113.0/24"] });
        await h.declare("other", { allowedIpRanges: ["198.51.100.0/24"] });
        assert.deepEqual(
            h.mocks.ofType(T.policy).map((p) => [p.name, p.inputs.conditions.clientApplications.includedServicePrincipals, p.inputs.conditions.locations.excludedLocations]),
            [
                ["acme-location-policy", [SP], [LOCATION]],
                ["other-location-policy", [fakeGuid("sp:other-sp")], [fakeGuid("location:other-location")]],
            ],
        );
    });

    it("reports the ranges and their state in the inventory", async () => {
        const connection = await h.declare("acme", { allowedIpRanges: ["198.51.100.7"], allowedIpRangesState: "reportOnly" });
        const inventory = await valueOf(h.components.inventoryOf(connection));
        assert.deepEqual(inventory.allowedIpRanges, { ranges: ["198.51.100.7/32"], state: "reportOnly" });
        const unpinned = await h.declare("plain", {});
        assert.equal((await valueOf(h.components.inventoryOf(unpinned))).allowedIpRanges, null);
    });

    it("refuses bad entries before declaring anything, each error naming its entry and what is allowed", async () => {
        const message = h.refusal("acme", {
            allowedIpRanges: ["203.0.113.0/24", "10.1.0.0/16", "203.0.113.7/24", "12.0.0.0/7", "fd00:1::/64", "nonsense"],
            allowedIpRangesState: "audit" as any,
        });
        assert.deepEqual(message.split("\n").slice(1), [
            'allowedIpRangesState: "audit" is not allowed; use "enabled" or "reportOnly".',
            "allowedIpRanges[1]: 10.1.0.0/16 is private address space; a Conditional Access named location sees only public source addresses, so list the public ranges the traffic leaves from.",
            'allowedIpRanges[2]: "203.0.113.7/24" is not an IP address or CIDR range; use e.g. 203.0.113.0/24 or 2001:db8::/48.',
            "allowedIpRanges[3]: 12.0.0.0/7 is too wide; a Conditional Access named location accepts prefixes of /8 or longer.",
            "allowedIpRanges[4]: fd00:1::/64 is private address space; a Conditional Access named location sees only public source addresses, so list the public ranges the traffic leaves from.",
            'allowedIpRanges[5]: "nonsense" is not an IP address or CIDR range; use e.g. 203.0.113.0/24 or 2001:db8::/48.',
        ]);
        assert.match(message, /^invalid arguments for VendorConnection "acme":/);
        await settle();
        assert.deepEqual(names(h.mocks.resources), [`${T.connection} acme`]);
    });

    it("with a config path: errors say connections.<name>.allowedIpRanges[i]; an empty list and a lone state are errors too", () => {
        const { planConnection } = h.components;
        assert.deepEqual(
            issueLines(() =>
                planConnection("acme", { permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }], allowedIpRanges: ["192.168.0.0/24"] }, NOW, "connections.acme"),
            ),
            [
                "connections.acme.allowedIpRanges[0]: 192.168.0.0/24 is private address space; a Conditional Access named location sees only public source addresses, so list the public ranges the traffic leaves from.",
            ],
        );
        assert.deepEqual(
            issueLines(() => planConnection("acme", { permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }], allowedIpRanges: [] }, NOW, "connections.acme")),
            [
                "connections.acme.allowedIpRanges: is empty, which would block every sign-in; to stop the vendor, set suspended: true; otherwise list the vendor's egress ranges, or omit allowedIpRanges.",
            ],
        );
        assert.deepEqual(
            issueLines(() =>
                planConnection("acme", { permissions: [{ api: "MicrosoftGraph", roles: ["User.Read.All"] }], allowedIpRangesState: "reportOnly" }, NOW, "connections.acme"),
            ),
            ["connections.acme.allowedIpRangesState: applies only together with connections.acme.allowedIpRanges; set the ranges, or remove the state."],
        );
    });
});
