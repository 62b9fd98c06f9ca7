import { InputError } from "@mc/core";
import { harnessForTests, waitFor } from "@mc/systemd-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installUnits, type InstalledUnits } from "./__fixtures__/harness-units.js";
import { refusingContext } from "./__fixtures__/refusing-runner.js";
import { listTimersTool, timerTime } from "./list-timers.js";
import { callTool, contextFor } from "./test-kit.js";

const harness = await harnessForTests();
const prefix = harness.available ? harness.prefix : [];
const userPrefix = harness.available ? harness.userPrefix : [];

describe.skipIf(!harness.available)("listTimersTool", () => {
  let fixtures: InstalledUnits | undefined;
  beforeAll(async () => {
    if (!harness.available) return;
    fixtures = await installUnits(harness, "system", {
      "mc-h6lt-daily.timer": "[Unit]\nDescription=mc h6 daily timer\n\n[Timer]\nOnCalendar=daily\nUnit=mc-h6lt-job.service\n",
      "mc-h6lt-soon.timer": "[Unit]\nDescription=mc h6 soon timer\n\n[Timer]\nOnActiveSec=1s\nOnUnitActiveSec=1h\nUnit=mc-h6lt-job.service\n",
      "mc-h6lt-job.service": "[Unit]\nDescription=mc h6 timer job\n\n[Service]\nType=oneshot\nExecStart=/bin/true\n",
    });
    for (const timer of ["mc-h6lt-daily.timer", "mc-h6lt-soon.timer"]) {
      expect((await harness.exec(["systemctl", "start", timer])).exitCode).toBe(0);
    }
  });
  afterAll(async () => fixtures?.remove());

  it("should report the next run, the last run and the activated unit of each timer", async () => {
    const { context, calls } = contextFor(prefix);
    const started = Date.now();
    const result = await waitFor(
      async () => {
        const listed = await callTool(listTimersTool, {}, context);
        const soon = listed.timers.find((timer) => timer.unit === "mc-h6lt-soon.timer");
        // While its job runs, the timer has no next elapse yet: wait for the rescheduled state.
        return soon?.last === null || soon?.next === null ? undefined : listed;
      },
      { timeoutMs: 15_000, description: "mc-h6lt-soon.timer to elapse once and be rescheduled" },
    );
    const daily = result.timers.find((timer) => timer.unit === "mc-h6lt-daily.timer");
    expect(daily).toMatchObject({ activates: "mc-h6lt-job.service", last: null, active: "active", sub: "waiting", description: "mc h6 daily timer" });
    expect(Date.parse(daily?.next ?? "")).toBeGreaterThan(started);
    const soon = result.timers.find((timer) => timer.unit === "mc-h6lt-soon.timer");
    expect(soon).toMatchObject({ activates: "mc-h6lt-job.service", active: "active", description: "mc h6 soon timer" });
    expect(Date.parse(soon?.last ?? "")).toBeGreaterThan(started - 5_000);
    expect(Date.parse(soon?.next ?? "")).toBeGreaterThan(Date.parse(soon?.last ?? ""));
    expect(result.total).toBe(result.timers.length);
    expect(calls.map((call) => call.args.slice(0, 2))).toContainEqual(["list-timers", "--all"]);
  });

  it("should cut at the limit and say so", async () => {
    const { context } = contextFor(prefix);
    const result = await callTool(listTimersTool, { limit: 1 }, context);
    expect(result.timers).toHaveLength(1);
    expect(result.total).toBeGreaterThan(1);
    expect(result.truncated).toBe(true);
  });

  it("should ask the user manager in user scope", async () => {
    const { context, calls } = contextFor(userPrefix);
    const result = await callTool(listTimersTool, { scope: "user" }, context);
    expect(result.scope).toBe("user");
    expect(result.timers.some((timer) => timer.unit.startsWith("mc-h6lt"))).toBe(false);
    expect(calls.every((call) => call.args[0] === "--user" && call.options.scope === "user")).toBe(true);
  });
});

describe("listTimersTool input", () => {
  for (const args of [{ limit: 0 }, { limit: 201 }, { limit: "5" }, { scope: "both" }, { pattern: "*" }]) {
    it(`should refuse ${JSON.stringify(args)} before any process starts`, async () => {
      const { context, started } = refusingContext();
      const error = await callTool(listTimersTool, args, context).catch((caught: unknown) => caught);
      expect(InputError.isInstance(error)).toBe(true);
      expect(started).toStrictEqual([]);
    });
  }

  it("should turn systemd's microseconds into ISO times and 0 or null into null", () => {
    expect(timerTime(1_796_163_669_475_750)).toBe("2026-12-01T22:21:09.475Z");
    expect([timerTime(0), timerTime(null), timerTime("1"), timerTime(Number.POSITIVE_INFINITY)]).toStrictEqual([null, null, null, null]);
  });
});
