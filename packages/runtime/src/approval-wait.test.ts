import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { approvalIdSchema, approvalWaitSchema, defineTool, type ToolDefinition } from "@mc/core";
import * as v from "valibot";
import { afterEach, describe, expect, it } from "vitest";
import type { ApprovalWaitProgress } from "./approval-wait.js";
import { approveCommand, shellQuote } from "./approve-command.js";
import { resolveRuntimePaths } from "./runtime-paths.js";
import { createRuntime, type Runtime } from "./runtime.js";

function changeTool(runs: string[]): ToolDefinition {
  return defineTool({
    name: "change_thing",
    title: "Change",
    description: "Changes a thing",
    risk: "privileged",
    input: v.strictObject({ unit: v.pipe(v.string(), v.regex(/^[a-z-]+\.service$/)), approval_id: approvalIdSchema, approval_wait_s: approvalWaitSchema }),
    output: v.object({ changed: v.string() }),
    policySubject: (input) => ({ unit: input.unit }),
    run: async (input) => {
      runs.push(input.unit);
      return { changed: input.unit };
    },
  });
}

describe("approvals that are easy to act on", () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Two runtimes on one state dir: the agent's, and the operator's (its own database connection). */
  function setup() {
    const stateDir = mkdtempSync(join(tmpdir(), "mc-wait-"));
    const runs: string[] = [];
    const env = { HOME: stateDir };
    const agent: Runtime = createRuntime({ stateDir, tools: [changeTool(runs)], env });
    const operator: Runtime = createRuntime({ stateDir, tools: [changeTool([])], env });
    cleanups.push(
      () => rmSync(stateDir, { recursive: true, force: true }),
      () => agent.close(),
      () => operator.close(),
    );
    return { stateDir, agent, operator, runs };
  }
  const caller = { kind: "embedded", name: "test-agent" } as const;

  it("should run a waiting call as soon as another connection approves it, with progress on the way", async () => {
    const { agent, operator, runs, stateDir } = setup();
    const progress: ApprovalWaitProgress[] = [];
    const waiting = agent.call("change_thing", { unit: "a.service", approval_wait_s: 120 }, { caller, onApprovalWait: (event) => progress.push(event) });
    let pending = await operator.approvals.list({ status: "pending" });
    while (pending.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      pending = await operator.approvals.list({ status: "pending" });
    }
    expect(pending[0]?.arguments).toStrictEqual({ unit: "a.service" }); // approval_wait_s is no part of the request
    expect(runs).toStrictEqual([]);
    await operator.approvals.approve(pending[0]?.id ?? "", { by: "alice", method: "cli" });
    const result = await waiting;
    expect(result).toMatchObject({ status: "ok", output: { changed: "a.service" }, approvalId: pending[0]?.id });
    expect(runs).toStrictEqual(["a.service"]);
    expect(progress[0]).toMatchObject({
      approval_id: pending[0]?.id,
      wait_s: 120,
      message: `waiting for approval ${pending[0]?.id} — run: MC_STATE_DIR=${stateDir} mc approvals approve ${pending[0]?.id}`,
    });
  });

  it("should return a rejection's note at once, and give it to the same call repeated with or without approval_id", async () => {
    const { agent, operator, runs } = setup();
    const waiting = agent.call("change_thing", { unit: "b.service", approval_wait_s: 600 }, { caller });
    let pending = await operator.approvals.list({ status: "pending" });
    while (pending.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      pending = await operator.approvals.list({ status: "pending" });
    }
    const id = pending[0]?.id ?? "";
    await operator.approvals.reject(id, { by: "bob", method: "cli", note: "not during business hours" });
    const rejection = (result: unknown) => {
      expect(result).toMatchObject({ status: "denied", code: "approval_rejected" });
      const { reason } = result as { reason: string };
      expect(reason).toContain(`Approval ${id} was rejected by bob`);
      expect(reason).toContain('note: "not during business hours"');
    };
    rejection(await waiting);
    // The same call again: the rejection answers it, no new request is queued.
    rejection(await agent.call("change_thing", { unit: "b.service" }, { caller }));
    rejection(await agent.call("change_thing", { unit: "b.service", approval_id: id }, { caller }));
    expect(await operator.approvals.list({ status: "pending" })).toStrictEqual([]);
    // A changed call is a new request.
    expect(await agent.call("change_thing", { unit: "c.service" }, { caller })).toMatchObject({ status: "approval_required" });
    expect(runs).toStrictEqual([]);
  });

  it("should wait for an approval_id that is still pending, and end at the wait limit with the pending answer", async () => {
    const { agent, operator, runs } = setup();
    const first = await agent.call("change_thing", { unit: "d.service" }, { caller });
    expect(first.status).toBe("approval_required");
    const id = first.status === "approval_required" ? first.approval_id : "";
    const timedOut = await agent.call("change_thing", { unit: "d.service", approval_wait_s: 1 }, { caller });
    expect(timedOut).toMatchObject({ status: "approval_required", approval_id: id });
    const waiting = agent.call("change_thing", { unit: "d.service", approval_id: id, approval_wait_s: 60 }, { caller });
    await operator.approvals.approve(id, { by: "alice", method: "cli" });
    expect(await waiting).toMatchObject({ status: "ok", approvalId: id });
    expect(runs).toStrictEqual(["d.service"]);
  });

  it("should end a wait when the caller aborts", async () => {
    const { agent, runs } = setup();
    const controller = new AbortController();
    const waiting = agent.call(
      "change_thing",
      { unit: "e.service", approval_wait_s: 600 },
      { caller, signal: controller.signal, onApprovalWait: () => controller.abort() },
    );
    expect(await waiting).toMatchObject({ status: "approval_required" });
    expect(runs).toStrictEqual([]);
  });

  it("should refuse approval_wait_s outside 0–600 as invalid input", async () => {
    const { agent, operator } = setup();
    for (const wait of [-1, 601, 1.5, "10", null]) {
      const result = await agent.call("change_thing", { unit: "f.service", approval_wait_s: wait }, { caller });
      expect(result).toMatchObject({ status: "error", code: "input_invalid", data: { issues: [{ path: "approval_wait_s" }] } });
    }
    expect(await operator.approvals.list()).toStrictEqual([]);
  });

  it("should name the state dir and database in approve_with when they are not the defaults", async () => {
    const home = "/home/op";
    const at = (options: Parameters<typeof resolveRuntimePaths>[0], env: Record<string, string> = {}) =>
      approveCommand("apr_0123456789abcdef", resolveRuntimePaths(options, { HOME: home, ...env }), { HOME: home, ...env });
    expect(at({})).toBe("mc approvals approve apr_0123456789abcdef");
    expect(at({ stateDir: "/srv/mc" })).toBe("MC_STATE_DIR=/srv/mc mc approvals approve apr_0123456789abcdef");
    expect(at({ stateDir: "/srv/it's here" })).toBe("MC_STATE_DIR='/srv/it'\\''s here' mc approvals approve apr_0123456789abcdef");
    expect(at({ databasePath: "/var/lib/mc/db.sqlite3" })).toBe("MC_DB_PATH=/var/lib/mc/db.sqlite3 mc approvals approve apr_0123456789abcdef");
    expect(at({}, { MC_DB_URL: "postgres://mc:s3cret@db.example:5432/mc?sslmode=require&authToken=abc" })).toBe(
      "MC_DB_URL='postgres://mc@db.example:5432/mc?sslmode=require' mc approvals approve apr_0123456789abcdef",
    );
    expect(shellQuote("$(touch /tmp/x)`id`;\n")).toBe("'$(touch /tmp/x)`id`;\n'");
  });

  it("should print approve_with for the runtime's own state dir in the pending result", async () => {
    const { agent, stateDir } = setup();
    const result = await agent.call("change_thing", { unit: "g.service" }, { caller });
    expect(result.status).toBe("approval_required");
    const { approve_with: approveWith, approval_id: id } = result as { approve_with: string; approval_id: string };
    expect(approveWith).toBe(`MC_STATE_DIR=${shellQuote(stateDir)} mc approvals approve ${id}`);
  });
});
