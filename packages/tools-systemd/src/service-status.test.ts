import { InputError } from "@mc/core";
import { harnessForTests } from "@mc/systemd-harness";
import { describe, expect, it } from "vitest";
import { serviceStatusTool } from "./service-status.js";
import { callTool, contextFor } from "./test-kit.js";

const harness = await harnessForTests();
const prefix = harness.available ? harness.prefix : [];
const userPrefix = harness.available ? harness.userPrefix : [];

describe.skipIf(!harness.available)("serviceStatusTool", () => {
  it("should report a running unit without reload", async () => {
    const { context } = contextFor(prefix);
    const status = await callTool(serviceStatusTool, { unit: "mc-demo.service" }, context);
    expect(status).toMatchObject({
      scope: "system",
      id: "mc-demo.service",
      load_state: "loaded",
      active_state: "active",
      sub_state: "running",
      unit_file_state: "enabled",
      fragment_path: "/etc/systemd/system/mc-demo.service",
      can_reload: false,
    });
    expect(status.main_pid).toBeGreaterThan(1);
  });

  it("should report a reloadable unit", async () => {
    const { context } = contextFor(prefix);
    const status = await callTool(serviceStatusTool, { unit: "mc-reload.service", scope: "system" }, context);
    expect([status.active_state, status.can_reload]).toStrictEqual(["active", true]);
  });

  it("should report a failed unit with no main pid", async () => {
    const { context } = contextFor(prefix);
    const status = await callTool(serviceStatusTool, { unit: "mc-broken.service" }, context);
    expect([status.active_state, status.sub_state, status.main_pid]).toStrictEqual(["failed", "failed", null]);
  });

  it("should report a unit that does not exist as not-found", async () => {
    const { context } = contextFor(prefix);
    const status = await callTool(serviceStatusTool, { unit: "mc-no-such-unit.service" }, context);
    expect([status.load_state, status.active_state, status.main_pid]).toStrictEqual(["not-found", "inactive", null]);
  });

  it("should ask the user manager of root and of the test user in user scope", async () => {
    for (const userScopePrefix of [prefix, userPrefix]) {
      const { context, calls } = contextFor(userScopePrefix);
      const running = await callTool(serviceStatusTool, { unit: "mc-user-demo.service", scope: "user" }, context);
      expect([running.scope, running.active_state, running.can_reload]).toStrictEqual(["user", "active", true]);
      expect(running.main_pid).toBeGreaterThan(1);
      const failed = await callTool(serviceStatusTool, { unit: "mc-user-broken.service", scope: "user" }, context);
      expect(failed.active_state).toBe("failed");
      expect(calls.map((call) => [call.args[0], call.options.scope])).toStrictEqual([
        ["--user", "user"],
        ["--user", "user"],
      ]);
    }
  });

  it("should not see a user unit in system scope", async () => {
    const { context } = contextFor(prefix);
    const status = await callTool(serviceStatusTool, { unit: "mc-user-demo.service" }, context);
    expect(status.load_state).toBe("not-found");
  });

  it("should refuse a bad unit name before running anything", async () => {
    const { context, calls } = contextFor(prefix);
    await expect(callTool(serviceStatusTool, { unit: "--help" }, context)).rejects.toThrow(InputError);
    expect(calls).toStrictEqual([]);
  });
});
