import { InputError, ToolFailureError } from "@mc/core";
import { harnessForTests } from "@mc/systemd-harness";
import { describe, expect, it } from "vitest";
import { reloadServiceTool } from "./reload-service.js";
import { callTool, contextFor } from "./test-kit.js";

const harness = await harnessForTests();
const prefix = harness.available ? harness.prefix : [];
const userPrefix = harness.available ? harness.userPrefix : [];

describe.skipIf(!harness.available)("reloadServiceTool", () => {
  it("should reload a reloadable unit and report its state after", async () => {
    const { context, calls } = contextFor(prefix);
    const result = await callTool(reloadServiceTool, { unit: "mc-reload.service" }, context);
    expect(result).toMatchObject({ unit: "mc-reload.service", scope: "system", action: "reload", active_state: "active" });
    // A reload keeps the process: same main PID before and after.
    expect(result.main_pid).toBe(result.previous_main_pid);
    expect(calls.map((call) => [call.file, ...call.args.slice(0, 2)])).toStrictEqual([
      ["systemctl", "show", "mc-reload.service"],
      ["systemctl", "reload", "mc-reload.service"],
      ["systemctl", "show", "mc-reload.service"],
    ]);
    expect(calls[1]?.args).toStrictEqual(["reload", "mc-reload.service", "--no-pager", "--no-ask-password"]);
  });

  it("should reload a user unit of root's and of the test user's manager", async () => {
    for (const userScopePrefix of [prefix, userPrefix]) {
      const { context, calls } = contextFor(userScopePrefix);
      const result = await callTool(reloadServiceTool, { unit: "mc-user-demo.service", scope: "user" }, context);
      expect([result.scope, result.active_state]).toStrictEqual(["user", "active"]);
      expect(calls[1]?.args).toStrictEqual(["--user", "reload", "mc-user-demo.service", "--no-pager", "--no-ask-password"]);
    }
  });

  it("should refuse a unit without reload support before running reload", async () => {
    const { context, calls } = contextFor(prefix);
    const error = await callTool(reloadServiceTool, { unit: "mc-demo.service" }, context).catch((caught: unknown) => caught);
    expect(ToolFailureError.isInstance(error)).toBe(true);
    expect((error as ToolFailureError).message).toContain("CanReload=no");
    expect((error as ToolFailureError).data).toStrictEqual({ reason: "cannot_reload", unit: "mc-demo.service", scope: "system" });
    expect(calls.map((call) => call.args[0])).toStrictEqual(["show"]);
  });

  it("should refuse a unit that does not exist", async () => {
    const { context, calls } = contextFor(prefix);
    const error = await callTool(reloadServiceTool, { unit: "mc-missing.service" }, context).catch((caught: unknown) => caught);
    expect((error as ToolFailureError).data).toStrictEqual({ reason: "unit_not_found", unit: "mc-missing.service", scope: "system" });
    expect(calls.map((call) => call.args[0])).toStrictEqual(["show"]);
  });

  it("should accept an approval_id argument and refuse a bad scope", async () => {
    const { context, calls } = contextFor(prefix);
    const result = await callTool(reloadServiceTool, { unit: "mc-reload.service", approval_id: "apr_abcdefghjkmnpqrs" }, context);
    expect(result.active_state).toBe("active");
    calls.length = 0;
    await expect(callTool(reloadServiceTool, { unit: "mc-reload.service", scope: "global" }, context)).rejects.toThrow(InputError);
    // Not an approval id (apr_ and 16 base32 characters): refused before anything runs.
    await expect(callTool(reloadServiceTool, { unit: "mc-reload.service", approval_id: "a1" }, context)).rejects.toThrow(InputError);
    expect(calls).toStrictEqual([]);
  });
});
