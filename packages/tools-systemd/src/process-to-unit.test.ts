import { randomBytes } from "node:crypto";
import { chmod, copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCommandRunner, InputError } from "@mc/core";
import { harnessForTests, waitFor } from "@mc/systemd-harness";
import { describe, expect, it, onTestFinished } from "vitest";
import { systemdCgroupPath, unitsOfCgroup } from "./cgroup-unit.js";
import { processToUnitTool } from "./process-to-unit.js";
import { serviceStatusTool } from "./service-status.js";
import { callTool, contextFor } from "./test-kit.js";

const harness = await harnessForTests();
/** A container pid as the host sees it (process_to_unit reads the host's /proc). */
const hostPid = (containerPid: number): Promise<number> => (harness.available ? harness.hostPid(containerPid) : Promise.reject(new Error("no harness")));
const prefix = harness.available ? harness.prefix : [];
const userPrefix = harness.available ? harness.userPrefix : [];

describe.skipIf(!harness.available)("processToUnitTool against the container", () => {
  it("should map the main PID of mc-demo to mc-demo.service", async () => {
    const { context, calls } = contextFor(prefix);
    const status = await callTool(serviceStatusTool, { unit: "mc-demo.service" }, context);
    const pid = await hostPid(status.main_pid ?? 0);
    calls.length = 0;
    const result = await callTool(processToUnitTool, { pid }, context);
    expect(result.truncated).toBe(false);
    expect(result.processes).toHaveLength(1);
    expect(result.processes[0]).toMatchObject({ pid, command: "sleep", unit: "mc-demo.service", scope: "system" });
    expect(result.processes[0]?.cgroup).toMatch(/\/system\.slice\/mc-demo\.service$/);
    expect(result.processes[0]).not.toHaveProperty("user_unit");
    expect(calls).toStrictEqual([]);
  });

  it("should map the main PID of the test user's mc-user-demo to its user unit", async () => {
    const { context } = contextFor(userPrefix);
    const status = await callTool(serviceStatusTool, { unit: "mc-user-demo.service", scope: "user" }, context);
    const pid = await hostPid(status.main_pid ?? 0);
    const result = await callTool(processToUnitTool, { pid }, context);
    expect(result.processes[0]).toMatchObject({
      pid,
      unit: "user@1000.service",
      scope: "user",
      user_unit: "mc-user-demo.service",
    });
  });

  it("should find processes by name", async () => {
    const { context } = contextFor(prefix);
    const result = await callTool(processToUnitTool, { name: "systemd-journal", limit: 20 }, context);
    expect(result.processes.length).toBeGreaterThan(0);
    for (const process of result.processes) {
      expect([process.command, process.unit, process.scope]).toStrictEqual(["systemd-journal", "systemd-journald.service", "system"]);
    }
  });
});

describe("processToUnitTool", () => {
  it("should report this test's own process with its cgroup", async () => {
    const { context } = contextFor();
    const result = await callTool(processToUnitTool, { pid: process.pid }, context);
    const cgroup = systemdCgroupPath(await readFile(`/proc/${process.pid}/cgroup`, "utf8"));
    expect(result.processes[0]).toMatchObject({ pid: process.pid, cgroup });
  });

  it("should find processes by name and flag more matches than the limit as truncated", async () => {
    // Three processes with a name nothing else on this host has.
    const directory = await mkdtemp(join(tmpdir(), "mc-process-to-unit-"));
    const name = `mcp${randomBytes(4).toString("hex")}`;
    await copyFile("/bin/sleep", join(directory, name));
    await chmod(join(directory, name), 0o755);
    const stop = new AbortController();
    const runner = createCommandRunner();
    const running = [1, 2, 3].map(() => runner.run(join(directory, name), ["30"], { timeoutMs: 30_000, signal: stop.signal }));
    onTestFinished(async () => {
      stop.abort();
      await Promise.allSettled(running);
      await rm(directory, { recursive: true, force: true });
    });
    const { context } = contextFor();
    const all = await waitFor(
      async () => {
        const result = await callTool(processToUnitTool, { name, limit: 20 }, context);
        return result.processes.length === 3 ? result : undefined;
      },
      { description: "three probe processes" },
    );
    expect(all.truncated).toBe(false);
    expect(all.processes.every((found) => found.command === name)).toBe(true);
    const two = await callTool(processToUnitTool, { name, limit: 2 }, context);
    expect([two.processes.length, two.truncated]).toStrictEqual([2, true]);
    const none = await callTool(processToUnitTool, { name: `${name}x` }, context);
    expect(none).toStrictEqual({ processes: [], truncated: false });
  });

  it("should refuse a pid that does not exist, and pid with name together", async () => {
    const { context } = contextFor();
    const missing = await callTool(processToUnitTool, { pid: 4_194_304 }, context).catch((caught: unknown) => caught);
    expect((missing as InputError).issues).toStrictEqual([{ path: "pid", message: "no process 4194304" }]);
    const both = await callTool(processToUnitTool, { pid: 1, name: "init" }, context).catch((caught: unknown) => caught);
    expect(InputError.isInstance(both)).toBe(true);
    expect((both as InputError).issues).toStrictEqual([{ path: "pid", message: "give exactly one of pid and name" }]);
  });
});

describe("unitsOfCgroup", () => {
  it("should map system, user, session and container paths", () => {
    expect(unitsOfCgroup("/system.slice/nginx.service")).toStrictEqual({ unit: "nginx.service", scope: "system" });
    expect(unitsOfCgroup("/user.slice/user-1000.slice/user@1000.service/app.slice/app.service")).toStrictEqual({
      unit: "user@1000.service",
      scope: "user",
      userUnit: "app.service",
    });
    expect(unitsOfCgroup("/user.slice/user-1000.slice/session-4.scope")).toStrictEqual({ unit: "session-4.scope", scope: "system" });
    expect(unitsOfCgroup("/machine/payload/system.slice/a.service")).toStrictEqual({ unit: "a.service", scope: "system" });
    expect(unitsOfCgroup("/system.slice/system-systemd\\x2dfsck.slice/systemd-fsck@dev-sda\\x2d1.service")).toStrictEqual({
      unit: "systemd-fsck@dev-sda\\x2d1.service",
      scope: "system",
    });
    expect(unitsOfCgroup("/")).toStrictEqual({ unit: null, scope: "system" });
  });
});

describe("systemdCgroupPath", () => {
  it("should prefer a non-root unified path and fall back to name=systemd", () => {
    expect(systemdCgroupPath("0::/system.slice/a.service\n")).toBe("/system.slice/a.service");
    expect(systemdCgroupPath("9:name=systemd:/system.slice/b.service\n4:memory:/x\n0::/\n")).toBe("/system.slice/b.service");
    expect(systemdCgroupPath("4:memory:/x\n")).toBeUndefined();
  });
});
