import * as assert from "node:assert/strict";
import { DEPLOY_INSTANT_VARIABLE, pinnedInstant } from "../../components/vendorConnection/clock";
import { toRfc3339 } from "../../components/time";
import { issueLines } from "../support/validation";
import { runPlan } from "../support/planProcess";

// `pulumi preview` and the update after it evaluate the program twice: near a rotation window's
// boundary they would plan different certificates. VENDOR_CONNECTIONS_DEPLOY_INSTANT pins both (and
// the offline plan) to one instant; a pin that could only mislead is refused, naming the variable.

const NOW = new Date("2026-12-01T09:00:00Z");
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

describe("pinning the deploy instant (VENDOR_CONNECTIONS_DEPLOY_INSTANT)", function () {
    this.timeout(120_000);

    it("is the variable's instant when set, and nothing when unset or empty", () => {
        assert.equal(DEPLOY_INSTANT_VARIABLE, "VENDOR_CONNECTIONS_DEPLOY_INSTANT");
        assert.deepEqual(pinnedInstant("2026-12-01T08:30:00Z", NOW), new Date("2026-12-01T08:30:00Z"));
        assert.deepEqual(pinnedInstant("2026-12-01T09:30:00+01:00", NOW), minutes(-30));
        assert.equal(pinnedInstant(undefined, NOW), undefined);
        assert.equal(pinnedInstant("", NOW), undefined);
    });

    it("accepts a pin up to an hour old, and up to five minutes ahead (two machines' clocks)", () => {
        assert.deepEqual(pinnedInstant(toRfc3339(minutes(-60)), NOW), minutes(-60));
        assert.deepEqual(pinnedInstant(toRfc3339(minutes(5)), NOW), minutes(5));
    });

    it("refuses text that is not RFC 3339, a pin in the future, and a stale pin, naming the variable and what to do", () => {
        assert.deepEqual(
            issueLines(() => pinnedInstant("2026-12-01", NOW)),
            ['VENDOR_CONNECTIONS_DEPLOY_INSTANT: "2026-12-01" is not an RFC 3339 instant; set it with e.g. $(date -u +%Y-%m-%dT%H:%M:%SZ) right before pulumi preview.'],
        );
        assert.deepEqual(
            issueLines(() => pinnedInstant(toRfc3339(new Date(minutes(5).getTime() + 1000)), NOW)),
            ["VENDOR_CONNECTIONS_DEPLOY_INSTANT: 2026-12-01T09:05:01Z is in the future; a deploy cannot plan for a time that has not come (the offline plan's --at can)."],
        );
        assert.deepEqual(
            issueLines(() => pinnedInstant(toRfc3339(new Date(minutes(-60).getTime() - 1000)), NOW)),
            [
                "VENDOR_CONNECTIONS_DEPLOY_INSTANT: 2026-12-01T07:59:59Z is more than an hour old; pin the instant again right before pulumi preview, so the update does what the preview showed, for now.",
            ],
        );
    });

    it("npm run plan without --at plans for the pinned instant, and refuses a bad pin before evaluating anything", async () => {
        const pinned = toRfc3339(new Date(Date.now() - 10 * 60_000));
        const [plan, stale] = await Promise.all([runPlan(["--json"], { [DEPLOY_INSTANT_VARIABLE]: pinned }), runPlan([], { [DEPLOY_INSTANT_VARIABLE]: "2026-01-01T00:00:00Z" })]);
        assert.equal(plan.code, 0, plan.stderr);
        assert.equal(JSON.parse(plan.stdout).at, pinned);
        assert.equal(stale.code, 1);
        assert.match(stale.stderr, /^VENDOR_CONNECTIONS_DEPLOY_INSTANT: 2026-01-01T00:00:00Z is more than an hour old/);
    });
});
