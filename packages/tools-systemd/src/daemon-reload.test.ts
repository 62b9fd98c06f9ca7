import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createCommandRunner } from "@mc/core";
import { harnessForTests } from "@mc/systemd-harness";
import { describe, expect, it, onTestFinished } from "vitest";
import { daemonReloadTool } from "./daemon-reload.js";
import { serviceStatusTool } from "./service-status.js";
import { callTool, contextFor } from "./test-kit.js";

const harness = await harnessForTests();

describe.skipIf(!harness.available)("daemonReloadTool", () => {
  it("should make the system manager see a changed unit file", async () => {
    if (!harness.available) return;
    const { context, calls } = contextFor(harness.prefix);
    const helper = createCommandRunner({ prefix: harness.prefix });
    const unit = "mc-daemon-reload-probe.service";
    const installed = `/run/systemd/system/${unit}`;
    const staged = join(harness.sharePath, unit);
    const writeUnit = async (description: string) => {
      await writeFile(staged, `[Unit]\nDescription=${description}\n\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n`);
      const copied = await helper.run("cp", [staged, installed], { timeoutMs: 3_000 });
      expect(copied.exitCode).toBe(0);
    };
    onTestFinished(async () => {
      await helper.run("systemctl", ["stop", unit], { timeoutMs: 10_000 });
      await helper.run("rm", ["-f", installed], { timeoutMs: 3_000 });
      await helper.run("systemctl", ["daemon-reload"], { timeoutMs: 10_000 });
      await helper.run("systemctl", ["reset-failed", unit], { timeoutMs: 10_000 });
    });
    await writeUnit("first");
    // An active unit stays loaded; an unused one would be re-read from disk on every query.
    expect((await helper.run("systemctl", ["start", unit], { timeoutMs: 10_000 })).exitCode).toBe(0);
    expect((await callTool(serviceStatusTool, { unit }, context)).description).toBe("first");
    await writeUnit("second");
    // The manager keeps the loaded unit until it re-reads the files.
    expect((await callTool(serviceStatusTool, { unit }, context)).description).toBe("first");
    calls.length = 0;
    expect(await callTool(daemonReloadTool, {}, context)).toStrictEqual({
      scope: "system",
      action: "daemon_reload",
      reloaded: true,
    });
    expect(calls.map((call) => [call.file, ...call.args])).toStrictEqual([["systemctl", "daemon-reload", "--no-ask-password"]]);
    expect((await callTool(serviceStatusTool, { unit }, context)).description).toBe("second");
  });

  it("should reload the test user's manager in user scope", async () => {
    if (!harness.available) return;
    const { context, calls } = contextFor(harness.userPrefix);
    const result = await callTool(daemonReloadTool, { scope: "user", approval_id: "apr_0123456789abcdef" }, context);
    expect(result).toStrictEqual({ scope: "user", action: "daemon_reload", reloaded: true });
    expect(calls.map((call) => [call.args, call.options.scope])).toStrictEqual([[["--user", "daemon-reload", "--no-ask-password"], "user"]]);
    const status = await callTool(serviceStatusTool, { unit: "mc-user-demo.service", scope: "user" }, context);
    expect(status.active_state).toBe("active");
  });
});
