// No action unrecorded: an action's `started` event is durable before it runs (with the claim,
// for an approved call) and its final event names the same approval; a malformed approval_id
// is an input error; a finalize that fails keeps the real outcome; stored values are bounded.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "@mc/approvals";
import { defineTool } from "@mc/core";
import * as v from "valibot";
import { afterEach, describe, expect, it } from "vitest";
import { storeView } from "./test-store-view.js";
import { createRuntime, type Runtime } from "./runtime.js";

const caller = { caller: { kind: "mcp" as const, name: "audit-test" } };
const dirs: string[] = [];
const runtimes: Runtime[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(extraTools: ReturnType<typeof defineTool>[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "mc-runtime-audit-"));
  dirs.push(dir);
  let runs = 0;
  const changeTool = defineTool({
    name: "change_thing",
    title: "Change",
    description: "Changes a thing",
    risk: "privileged",
    input: v.strictObject({ unit: v.pipe(v.string(), v.maxLength(64)) }),
    output: v.object({ changed: v.boolean() }),
    run: async () => {
      runs += 1;
      return { changed: true };
    },
  });
  const runtime = createRuntime({ stateDir: dir, tools: [changeTool, ...extraTools], env: {} });
  runtimes.push(runtime);
  return { dir, runtime, runs: () => runs };
}

describe("the started event", () => {
  it("should record approved → started → ok for an approved call, all naming the approval", async () => {
    const { runtime } = setup();
    const pending = await runtime.call("change_thing", { unit: "a.service" }, caller);
    if (pending.status !== "approval_required") throw new Error(JSON.stringify(pending));
    const store = storeView(runtime);
    await store.approve(pending.approval_id, { by: "ops", method: "embedded" });
    expect(await runtime.call("change_thing", { unit: "a.service", approval_id: pending.approval_id }, caller)).toMatchObject({ status: "ok" });
    const events = (await store.listAudit()).reverse();
    expect(events.map((event) => [event.decision, event.outcome, event.approvalId])).toStrictEqual([
      ["approval_required", "pending", pending.approval_id],
      ["approved", "ok", pending.approval_id],
      ["allowed", "started", pending.approval_id],
      ["allowed", "ok", pending.approval_id],
    ]);
    expect(events[2]).toMatchObject({ caller: "mcp", clientName: "audit-test", tool: "change_thing", arguments: { unit: "a.service" } });
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it("should record --yes as an approval at the terminal, then started and ok", async () => {
    const { runtime } = setup();
    expect(await runtime.call("change_thing", { unit: "b.service" }, { caller: { kind: "cli" }, approvedBy: "root" })).toMatchObject({ status: "ok" });
    const events = (await runtime.audit.list()).reverse();
    expect(events.map((event) => event.outcome)).toStrictEqual(["ok", "started", "ok"]);
    expect(events[0]).toMatchObject({
      decision: "approved",
      reason: "approved by root via mc tool --yes at a terminal (method terminal): approved at the terminal (--yes)",
    });
  });

  it("should keep one event for a read-only call", async () => {
    const readTool = defineTool({
      name: "read_thing",
      title: "Read",
      description: "Reads",
      risk: "read_only",
      input: v.strictObject({}),
      output: v.object({}),
      run: async () => ({}),
    });
    const { runtime } = setup([readTool]);
    await runtime.call("read_thing", {}, caller);
    expect((await runtime.audit.list()).map((event) => event.outcome)).toStrictEqual(["ok"]);
  });
});

describe("a malformed approval_id", () => {
  for (const bad of [
    "' OR 1=1 --",
    "apr_short",
    "APR_0123456789ABCDEF",
    "apr_0123456789abcdefg",
    "apr_0123456789abcdeu",
    42,
    null,
    "x".repeat(5 * 1024 * 1024),
  ]) {
    it(`should be input_invalid naming approval_id, queueing nothing: ${JSON.stringify(bad).slice(0, 30)}`, async () => {
      const { runtime, runs } = setup();
      const result = await runtime.call("change_thing", { unit: "a.service", approval_id: bad }, caller);
      expect(result).toMatchObject({ status: "error", code: "input_invalid", data: { issues: [{ path: "approval_id" }] } });
      const store = storeView(runtime);
      expect(await store.list()).toStrictEqual([]);
      expect(runs()).toBe(0);
      expect(await store.listAudit()).toMatchObject([{ outcome: "error", tool: "change_thing" }]);
    });
  }
});

describe("a finalize that fails", () => {
  it("should keep the action's real outcome in the result and in the audit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mc-runtime-audit-"));
    dirs.push(dir);
    // The tool's run has another process's store (mistakenly) recover its execution, so the
    // finalize after the run finds the approval no longer executing.
    const hijacked = defineTool({
      name: "hijacked_change",
      title: "Hijacked",
      description: "Its approval is recovered under it",
      risk: "privileged",
      input: v.strictObject({}),
      output: v.object({ changed: v.boolean() }),
      run: async () => {
        const other = await openStore({ path: join(dir, "mc.sqlite3") });
        await other.recoverInterrupted({ isOwnerAlive: () => false });
        other.close();
        return { changed: true };
      },
    });
    const runtime = createRuntime({ stateDir: dir, tools: [hijacked], env: {} });
    runtimes.push(runtime);
    const pending = await runtime.call("hijacked_change", {}, caller);
    if (pending.status !== "approval_required") throw new Error(JSON.stringify(pending));
    const store = storeView(runtime);
    await store.approve(pending.approval_id, { by: "ops", method: "embedded" });
    const result = await runtime.call("hijacked_change", { approval_id: pending.approval_id }, caller);
    expect(result).toMatchObject({ status: "ok", output: { changed: true } });
    const [last] = await store.listAudit({ limit: 1 });
    expect(last).toMatchObject({ outcome: "ok", approvalId: pending.approval_id, error: expect.stringMatching(/could not be finalized/) as unknown });
    expect((await store.verifyAudit()).ok).toBe(true);
  });
});

describe("a refused call with a 5 MB argument", () => {
  it("should grow the database by less than 64 KiB", async () => {
    const { dir, runtime } = setup();
    const size = () => ["mc.sqlite3", "mc.sqlite3-wal"].reduce((total, name) => total + (statSync(join(dir, name), { throwIfNoEntry: false })?.size ?? 0), 0);
    await runtime.call("change_thing", { unit: "warm-up" }, caller);
    const before = size();
    const huge = "y".repeat(5 * 1024 * 1024);
    expect(await runtime.call("change_thing", { unit: huge }, caller)).toMatchObject({ status: "error", code: "input_invalid" });
    expect(await runtime.call("no_such_tool", { unit: huge }, caller)).toMatchObject({ status: "error", code: "unknown_tool" });
    expect(await runtime.call("change_thing", { unit: "a.service", extra: huge }, caller)).toMatchObject({ status: "error", code: "input_invalid" });
    expect(size() - before).toBeLessThan(64 * 1024);
    expect((await runtime.audit.verify()).ok).toBe(true);
  });
});
