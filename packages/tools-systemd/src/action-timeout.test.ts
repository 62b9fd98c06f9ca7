import { McError, TIMEOUTS } from "@mc/core";
import { harnessForTests, waitFor } from "@mc/systemd-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installUnits, type InstalledUnits } from "./__fixtures__/harness-units.js";
import { daemonReloadTool } from "./daemon-reload.js";
import { reloadServiceTool } from "./reload-service.js";
import { restartServiceTool } from "./restart-service.js";
import { ACTION_TIMEOUTS_MS } from "./service-action.js";
import { startServiceTool } from "./start-service.js";
import { stopServiceTool } from "./stop-service.js";
import { callTool, contextFor } from "./test-kit.js";

const harness = await harnessForTests();
const prefix = harness.available ? harness.prefix : [];

// Slow on purpose: stopping takes 3 s, starting the oneshot takes 3 s, reloading takes 3 s.
const SLOW_STOP = "mc-w2e-slow-stop.service";
const SLOW_START = "mc-w2e-slow-start.service";

/**
 * The unit's ActiveState inside the harness.
 * @param unit - unit name
 * @returns e.g. active, deactivating
 */
async function activeState(unit: string): Promise<string> {
  if (!harness.available) return "";
  const result = await harness.exec(["systemctl", "show", unit, "--property=ActiveState", "--value"]);
  return result.stdout.trim();
}

/**
 * Waits until systemd has no job left for the unit (a job mc stopped waiting for goes on).
 * @param unit - unit name
 */
async function jobsDone(unit: string): Promise<void> {
  if (!harness.available) return;
  await waitFor(async () => (await harness.exec(["systemctl", "list-jobs", "--no-legend", "--plain", "--", unit])).stdout.trim() === "", { timeoutMs: 30_000 });
}

/**
 * Calls a tool expecting it to fail.
 * @param run - the call
 * @returns the error
 */
async function failure(run: Promise<unknown>): Promise<McError> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(McError.isInstance(error)).toBe(true);
  return error as McError;
}

describe.skipIf(!harness.available)("action time limits (timeout_s)", () => {
  let fixtures: InstalledUnits | undefined;
  beforeAll(async () => {
    if (!harness.available) return;
    fixtures = await installUnits(harness, "system", {
      [SLOW_STOP]: "[Unit]\nDescription=mc w2e slow stop\n\n[Service]\nExecStart=/bin/sleep infinity\nExecReload=/bin/sleep 3\nExecStop=/bin/sleep 3\n",
      [SLOW_START]: "[Unit]\nDescription=mc w2e slow start\n\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sleep 3\n",
    });
    await harness.exec(["systemctl", "start", SLOW_STOP]);
  }, 60_000);
  afterAll(async () => {
    await jobsDone(SLOW_STOP);
    await jobsDone(SLOW_START);
    await fixtures?.remove();
  }, 60_000);

  it("should wait for systemd's own timeouts by default, not a fixed 10 s", async () => {
    const { context, calls } = contextFor(prefix);
    await callTool(restartServiceTool, { unit: SLOW_STOP }, context);
    await callTool(reloadServiceTool, { unit: SLOW_STOP }, context);
    await callTool(stopServiceTool, { unit: SLOW_STOP }, context);
    await callTool(startServiceTool, { unit: SLOW_STOP }, context);
    await callTool(daemonReloadTool, {}, context);
    const limits = calls
      .filter((call) => ["restart", "reload", "stop", "start", "daemon-reload"].includes(call.args[0] ?? ""))
      .map((call) => [call.args[0], call.options.timeoutMs]);
    expect(limits).toStrictEqual([
      ["restart", ACTION_TIMEOUTS_MS.restart],
      ["reload", ACTION_TIMEOUTS_MS.reload],
      ["stop", ACTION_TIMEOUTS_MS.stop],
      ["start", ACTION_TIMEOUTS_MS.start],
      ["daemon-reload", TIMEOUTS.action],
    ]);
    // systemd gives a unit 90 s to stop and 90 s to start: mc must not give up first.
    expect(ACTION_TIMEOUTS_MS.restart).toBeGreaterThan(180_000);
    expect(Math.min(ACTION_TIMEOUTS_MS.start, ACTION_TIMEOUTS_MS.stop, ACTION_TIMEOUTS_MS.reload)).toBeGreaterThan(90_000);
  }, 60_000);

  it("should use the call's timeout and say that the restart job is still running", async () => {
    const { context, calls } = contextFor(prefix);
    const error = await failure(callTool(restartServiceTool, { unit: SLOW_STOP }, { ...context, timeoutMs: 1000 }));
    expect(error.code).toBe("timeout");
    expect(error.message).toContain(`restart ${SLOW_STOP} (system scope) did not finish within 1 s`);
    expect(error.message).toMatch(/systemd is still running its restart job \d+ \(running\) \(the unit is deactivating\/stop\): check service_status/);
    expect(error.message).toContain("timeout_s");
    expect(error.data).toMatchObject({ reason: "timeout", unit: SLOW_STOP, action: "restart", timeout_s: 1, job_running: true, active_state: "deactivating" });
    expect(error.data.jobs).toStrictEqual([{ id: expect.any(Number) as number, type: "restart", state: "running" }]);
    expect(calls.find((call) => call.args[0] === "restart")?.options.timeoutMs).toBe(1000);
    // The job mc stopped waiting for goes on in systemd and finishes.
    await jobsDone(SLOW_STOP);
    expect(await activeState(SLOW_STOP)).toBe("active");
  }, 60_000);

  it("should succeed with a timeout that fits the unit", async () => {
    const { context } = contextFor(prefix);
    const restarted = await callTool(restartServiceTool, { unit: SLOW_STOP }, { ...context, timeoutMs: 30_000 });
    expect(restarted).toMatchObject({ action: "restart", active_state: "active", sub_state: "running" });
  }, 60_000);

  it("should report a start and a reload that outlast the limit", async () => {
    const { context } = contextFor(prefix);
    const start = await failure(callTool(startServiceTool, { unit: SLOW_START }, { ...context, timeoutMs: 1000 }));
    expect(start.data).toMatchObject({ reason: "timeout", action: "start", timeout_s: 1, job_running: true, active_state: "activating" });
    expect(start.message).toMatch(/its start job \d+ \(running\)/);
    await jobsDone(SLOW_START);
    expect(await activeState(SLOW_START)).toBe("active");
    const reload = await failure(callTool(reloadServiceTool, { unit: SLOW_STOP }, { ...context, timeoutMs: 1000 }));
    expect(reload.data).toMatchObject({ reason: "timeout", action: "reload", job_running: true, active_state: "reloading" });
    await jobsDone(SLOW_STOP);
  }, 60_000);
});
