import { ToolFailureError } from "@mc/core";
import { harnessForTests } from "@mc/systemd-harness";
import { describe, expect, it } from "vitest";
import { restartServiceTool } from "./restart-service.js";
import { serviceStatusTool } from "./service-status.js";
import { callTool, contextFor } from "./test-kit.js";

const harness = await harnessForTests();
const prefix = harness.available ? harness.prefix : [];
const userPrefix = harness.available ? harness.userPrefix : [];

describe.skipIf(!harness.available)("restartServiceTool", () => {
  it("should restart a unit and report a new main PID", async () => {
    const { context, calls } = contextFor(prefix);
    const result = await callTool(restartServiceTool, { unit: "mc-demo.service" }, context);
    expect(result).toMatchObject({ unit: "mc-demo.service", scope: "system", action: "restart", active_state: "active", sub_state: "running" });
    expect(result.previous_main_pid).not.toBeNull();
    expect(result.main_pid).not.toBeNull();
    expect(result.main_pid).not.toBe(result.previous_main_pid);
    expect(calls[1]?.args).toStrictEqual(["restart", "mc-demo.service", "--no-pager", "--no-ask-password"]);
    const status = await callTool(serviceStatusTool, { unit: "mc-demo.service" }, context);
    expect(status.main_pid).toBe(result.main_pid);
  });

  it("should restart a user unit of the test user's manager with a new main PID", async () => {
    const { context } = contextFor(userPrefix);
    const result = await callTool(restartServiceTool, { unit: "mc-user-demo.service", scope: "user" }, context);
    expect([result.scope, result.active_state]).toStrictEqual(["user", "active"]);
    expect(result.main_pid).not.toBe(result.previous_main_pid);
  });

  it("should fail with systemctl's explanation when the unit fails to start", async () => {
    const { context } = contextFor(prefix);
    const error = await callTool(restartServiceTool, { unit: "mc-broken.service" }, context).catch((caught: unknown) => caught);
    expect(ToolFailureError.isInstance(error)).toBe(true);
    expect((error as ToolFailureError).message).toMatch(
      /Could not restart mc-broken\.service \(system scope\): systemctl exited with status \d+: Job for mc-broken\.service failed/,
    );
  });

  it("should refuse a unit that does not exist without running restart", async () => {
    const { context, calls } = contextFor(prefix);
    const error = await callTool(restartServiceTool, { unit: "mc-missing.service", scope: "user" }, context).catch((caught: unknown) => caught);
    expect((error as ToolFailureError).data).toStrictEqual({ reason: "unit_not_found", unit: "mc-missing.service", scope: "user" });
    expect(calls.map((call) => call.args.slice(0, 2))).toStrictEqual([["--user", "show"]]);
  });
});
