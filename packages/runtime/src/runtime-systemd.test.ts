// Every host and systemd tool through runtime.runTool (validation, policy, approvals,
// audit, output schema) against the real systemd in the project's container.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { harnessForTests, waitFor } from "@mc/systemd-harness";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ToolCallResult } from "./call-result.js";
import { storeView } from "./test-store-view.js";
import { createRuntime, type Runtime } from "./runtime.js";

const harness = await harnessForTests();
/** A container pid as the host sees it (process_to_unit reads the host's /proc). */
const hostPid = (containerPid: number): Promise<number> => (harness.available ? harness.hostPid(containerPid) : Promise.reject(new Error("no harness")));

describe.skipIf(!harness.available)("every systemd tool through runtime.runTool against real systemd", () => {
  let dir: string;
  let runtime: Runtime;
  const caller = { caller: { kind: "embedded" as const, name: "runtime-systemd-test" } };

  beforeAll(() => {
    if (!harness.available) return;
    dir = mkdtempSync(join(tmpdir(), "mc-runtime-systemd-"));
    runtime = createRuntime({ stateDir: dir, policyPath: join(dir, "policy.toml"), commandPrefix: harness.prefix, env: {} });
  });
  afterAll(async () => {
    await runtime?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a call, asserts it succeeded, and validates its output against the tool's published schema. */
  async function ok(name: string, args: Record<string, unknown>, options: { approvedBy?: string } = {}): Promise<Record<string, unknown>> {
    const result: ToolCallResult = await runtime.call(name, args, { ...caller, ...options });
    if (result.status !== "ok") throw new Error(`${name} ${JSON.stringify(args)}: ${JSON.stringify(result)}`);
    const tool = runtime.listTools().find((candidate) => candidate.name === name);
    expect(v.safeParse(tool!.definition.output, result.output).success).toBe(true);
    return result.output;
  }

  /** The full approval path: request → a human approves in the store → the same call with approval_id. */
  async function approvedCall(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const pending = await runtime.call(name, args, caller);
    if (pending.status !== "approval_required") throw new Error(`${name}: expected approval_required, got ${JSON.stringify(pending)}`);
    await runtime.approvals.approve(pending.approval_id, { by: "test-operator", method: "embedded" });
    const output = await ok(name, { ...args, approval_id: pending.approval_id });
    expect((await runtime.approvals.get(pending.approval_id))?.status).toBe("completed");
    return output;
  }

  it("should read system_info, memory_usage and disk_usage", async () => {
    expect(await ok("system_info", {})).toMatchObject({ hostname: expect.any(String), cpu_count: expect.any(Number) });
    expect(await ok("memory_usage", {})).toMatchObject({ total_bytes: expect.any(Number) });
    expect(await ok("disk_usage", { path: "/" })).toMatchObject({ total_bytes: expect.any(Number) });
    expect(await runtime.call("disk_usage", { path: "/no/such/mc/path" }, caller)).toMatchObject({ status: "error", code: "input_invalid" });
  });

  it("should list the container's processes with top_processes", async () => {
    const output = (await ok("top_processes", { limit: 20 })) as { processes: Array<{ pid: number; command: string }> };
    expect(output.processes.length).toBeGreaterThan(0);
    expect(output.processes.length).toBeLessThanOrEqual(20);
  });

  it("should report service_status of running, reloadable and failed units in both scopes", async () => {
    expect(await ok("service_status", { unit: "mc-demo.service" })).toMatchObject({ active_state: "active", can_reload: false });
    expect(await ok("service_status", { unit: "mc-reload.service" })).toMatchObject({ active_state: "active", can_reload: true });
    expect(await ok("service_status", { unit: "mc-broken.service" })).toMatchObject({ active_state: "failed" });
    expect(await ok("service_status", { unit: "mc-user-demo.service", scope: "user" })).toMatchObject({ active_state: "active", can_reload: true });
    expect(await ok("service_status", { unit: "mc-no-such.service" })).toMatchObject({ load_state: "not-found" });
  });

  it("should list failed services in system and user scope", async () => {
    const system = (await ok("failed_services", {})) as { units: Array<{ unit: string }> };
    expect(system.units.map((unit) => unit.unit)).toContain("mc-broken.service");
    const user = (await ok("failed_services", { scope: "user" })) as { units: Array<{ unit: string }> };
    expect(user.units.map((unit) => unit.unit)).toContain("mc-user-broken.service");
  });

  it("should read new journal lines of a unit (journald writes asynchronously, so poll)", async () => {
    const entries = await waitFor(
      async () => {
        const output = (await ok("read_journal", { unit: "mc-logger.service", lines: 5 })) as { entries: Array<{ message: string; unit?: string }> };
        return output.entries.some((entry) => /^mc-logger tick \d+$/.test(entry.message)) ? output.entries : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 250, description: "mc-logger ticks in the journal" },
    );
    expect(entries.length).toBeLessThanOrEqual(5);
  });

  it("should map a fixture's main PID to its unit with process_to_unit", async () => {
    const status = (await ok("service_status", { unit: "mc-demo.service" })) as { main_pid: number };
    const output = (await ok("process_to_unit", { pid: await hostPid(status.main_pid) })) as { processes: Array<{ unit: string | null }> };
    expect(output.processes[0]?.unit).toBe("mc-demo.service");
  });

  it("should ask for approval to reload, then reload a reloadable unit once approved", async () => {
    expect(await approvedCall("reload_service", { unit: "mc-reload.service" })).toMatchObject({ action: "reload", active_state: "active" });
  });

  it("should refuse to reload a unit that cannot reload, with the reason, even when approved", async () => {
    const result = await runtime.call("reload_service", { unit: "mc-demo.service" }, { ...caller, approvedBy: "test-operator" });
    expect(result).toMatchObject({ status: "error", code: "tool_failed" });
    expect(result.status === "error" && result.message).toMatch(/reload/i);
  });

  it("should restart a unit with a new main PID, in system and user scope", async () => {
    const before = (await ok("service_status", { unit: "mc-demo.service" })) as { main_pid: number };
    const restarted = (await approvedCall("restart_service", { unit: "mc-demo.service" })) as { main_pid: number; previous_main_pid: number };
    expect(restarted.previous_main_pid).toBe(before.main_pid);
    expect(restarted.main_pid).not.toBe(before.main_pid);
    const user = (await ok("restart_service", { unit: "mc-user-demo.service", scope: "user" }, { approvedBy: "test-operator" })) as {
      main_pid: number;
      previous_main_pid: number;
    };
    expect(user.main_pid).not.toBe(user.previous_main_pid);
  });

  it("should daemon-reload the system manager once approved", async () => {
    expect(await approvedCall("daemon_reload", {})).toMatchObject({ action: "daemon_reload", reloaded: true });
  });

  it("should have audited every call of this file in a chain that verifies", async () => {
    const store = storeView(runtime);
    const events = await store.listAudit({ limit: 1_000 });
    expect(events.length).toBeGreaterThan(20);
    // The operator's approvals are events of their own; --yes (approvedBy) is the CLI surface, method terminal.
    const calls = events.filter((event) => event.decision !== "approved");
    expect(calls.every((event) => event.caller === "embedded" && event.clientName === "runtime-systemd-test")).toBe(true);
    expect(events.filter((event) => event.decision === "approved").map((event) => [event.caller, event.reason])).toContainEqual([
      "cli",
      "approved by test-operator via mc tool --yes at a terminal (method terminal): approved at the terminal (--yes)",
    ]);
    expect((await store.verifyAudit()).ok).toBe(true);
  });
});
