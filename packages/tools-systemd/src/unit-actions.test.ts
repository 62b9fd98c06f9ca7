import { InputError, type ToolDefinition, ToolFailureError } from "@mc/core";
import { harnessForTests } from "@mc/systemd-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installUnits, type InstalledUnits, serviceUnit } from "./__fixtures__/harness-units.js";
import { refusingContext } from "./__fixtures__/refusing-runner.js";
import { disableServiceTool } from "./disable-service.js";
import { enableServiceTool } from "./enable-service.js";
import { startServiceTool } from "./start-service.js";
import { stopServiceTool } from "./stop-service.js";
import { callTool, contextFor } from "./test-kit.js";

const harness = await harnessForTests();
const prefix = harness.available ? harness.prefix : [];

const UNIT = "mc-h6ua.service";
const ACTION_TOOLS: ToolDefinition[] = [startServiceTool, stopServiceTool, enableServiceTool, disableServiceTool];
const USER_UNIT = "mc-h6ua-user.service";

describe.skipIf(!harness.available)("start/stop/enable/disable_service", () => {
  let fixtures: InstalledUnits | undefined;
  let userFixtures: InstalledUnits | undefined;
  beforeAll(async () => {
    if (!harness.available) return;
    fixtures = await installUnits(harness, "system", {
      [UNIT]: serviceUnit("mc h6 unit actions"),
      // oneshot: systemctl start waits for ExecStart= to finish, so the failure reaches the caller.
      "mc-h6ua-broken.service": "[Unit]\nDescription=mc h6 fails to start\n\n[Service]\nType=oneshot\nExecStart=/bin/false\n",
    });
    userFixtures = await installUnits(harness, "user", { [USER_UNIT]: serviceUnit("mc h6 user unit actions", "/bin/sleep infinity", "default.target") });
  });
  afterAll(async () => {
    await fixtures?.remove();
    await userFixtures?.remove();
  });

  it("should start and stop a unit and report the state before and after", async () => {
    const { context, calls } = contextFor(prefix);
    const started = await callTool(startServiceTool, { unit: UNIT }, context);
    expect(started).toMatchObject({
      unit: UNIT,
      scope: "system",
      action: "start",
      now: false,
      active_state: "active",
      sub_state: "running",
      previous_active_state: "inactive",
    });
    expect(started.main_pid).toBeGreaterThan(1);
    expect(calls[1]?.args).toStrictEqual(["start", "--no-pager", "--no-ask-password", "--", UNIT]);
    const stopped = await callTool(stopServiceTool, { unit: UNIT }, context);
    expect(stopped).toMatchObject({ action: "stop", active_state: "inactive", sub_state: "dead", main_pid: null, previous_active_state: "active" });
  });

  it("should enable and disable a unit, with --now starting and stopping it", async () => {
    const { context, calls } = contextFor(prefix);
    const enabled = await callTool(enableServiceTool, { unit: UNIT }, context);
    expect(enabled).toMatchObject({ action: "enable", now: false, unit_file_state: "enabled", previous_unit_file_state: "disabled", active_state: "inactive" });
    const disabledNow = await callTool(disableServiceTool, { unit: UNIT, now: true }, context);
    expect(disabledNow).toMatchObject({ action: "disable", now: true, unit_file_state: "disabled", active_state: "inactive" });
    const enabledNow = await callTool(enableServiceTool, { unit: UNIT, now: true }, context);
    expect(enabledNow).toMatchObject({ now: true, unit_file_state: "enabled", active_state: "active", previous_active_state: "inactive" });
    expect(calls.map((call) => call.args).filter((args) => args[0] === "enable")).toContainEqual([
      "enable",
      "--now",
      "--no-pager",
      "--no-ask-password",
      "--",
      UNIT,
    ]);
    const disabledStopped = await callTool(disableServiceTool, { unit: UNIT, now: true }, context);
    expect(disabledStopped).toMatchObject({
      unit_file_state: "disabled",
      active_state: "inactive",
      previous_active_state: "active",
      previous_unit_file_state: "enabled",
    });
  });

  it("should act on a user unit of root's user manager", async () => {
    const { context, calls } = contextFor(prefix);
    const enabled = await callTool(enableServiceTool, { unit: USER_UNIT, scope: "user", now: true }, context);
    expect(enabled).toMatchObject({ scope: "user", unit_file_state: "enabled", active_state: "active" });
    const stopped = await callTool(stopServiceTool, { unit: USER_UNIT, scope: "user" }, context);
    expect(stopped.active_state).toBe("inactive");
    await callTool(disableServiceTool, { unit: USER_UNIT, scope: "user" }, context);
    expect(calls.every((call) => call.args[0] === "--user" && call.options.scope === "user")).toBe(true);
  });

  it("should fail with systemctl's explanation when the unit fails to start", async () => {
    const { context } = contextFor(prefix);
    const error = await callTool(startServiceTool, { unit: "mc-h6ua-broken.service" }, context).catch((caught: unknown) => caught);
    expect(ToolFailureError.isInstance(error)).toBe(true);
    expect((error as ToolFailureError).message).toMatch(
      /Could not start mc-h6ua-broken\.service \(system scope\): systemctl exited with status \d+: Job for mc-h6ua-broken\.service failed/,
    );
  });

  it("should refuse a unit that does not exist without acting", async () => {
    for (const tool of ACTION_TOOLS) {
      const { context, calls } = contextFor(prefix);
      const error = await callTool(tool, { unit: "mc-h6ua-missing.service" }, context).catch((caught: unknown) => caught);
      expect((error as ToolFailureError).data, tool.name).toStrictEqual({ reason: "unit_not_found", unit: "mc-h6ua-missing.service", scope: "system" });
      expect(calls.map((call) => call.args[0])).toStrictEqual(["show"]);
    }
  });
});

describe("start/stop/enable/disable_service input", () => {
  const bad: unknown[] = [
    {},
    { unit: "--now" },
    { unit: "-x.service" },
    { unit: "x" },
    { unit: "a b.service" },
    { unit: "x.service\n" },
    { unit: "$(reboot).service" },
    { unit: "../../x.service" },
    { unit: "x.service", scope: "root" },
    { unit: "x.service", now: "yes" },
    { unit: "x.service", approval_id: "not an id" },
    { unit: "x.service", force: true },
  ];
  for (const tool of ACTION_TOOLS) {
    it(`${tool.name} should refuse ${bad.length} malformed argument sets before any process starts`, async () => {
      for (const args of bad) {
        const { context, started } = refusingContext();
        const error = await callTool(tool, args, context).catch((caught: unknown) => caught);
        expect(InputError.isInstance(error), JSON.stringify(args)).toBe(true);
        expect(started).toStrictEqual([]);
      }
    });
  }
});
