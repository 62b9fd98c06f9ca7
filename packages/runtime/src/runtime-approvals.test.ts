// The runtime is the only way in: approvals are decided through runtime.approvals (audited with
// approver and method, elicitation only where the policy allows it), no store is handed out, and
// the policy judges what a tool declares (policySubject), never guessed argument names.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineTool } from "@mc/core";
import * as v from "valibot";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "./runtime.js";

const reloadTool = defineTool({
  name: "reload_thing",
  title: "Reload",
  description: "Reloads a unit",
  risk: "mutating_safe",
  input: v.strictObject({ unit: v.string() }),
  output: v.object({ unit: v.string() }),
  policySubject: (input) => ({ unit: input.unit }),
  run: async (input) => ({ unit: input.unit }),
});
const restartTool = defineTool({
  name: "restart_thing",
  title: "Restart",
  description: "Restarts a unit",
  risk: "privileged",
  input: v.strictObject({ unit: v.string() }),
  output: v.object({ unit: v.string() }),
  policySubject: (input) => ({ unit: input.unit }),
  run: async (input) => ({ unit: input.unit }),
});
/** Takes a `unit` argument but does not declare it to the policy. */
const undeclaredTool = defineTool({
  name: "undeclared_thing",
  title: "Undeclared",
  description: "Names a unit without telling the policy",
  risk: "read_only",
  input: v.strictObject({ unit: v.string() }),
  output: v.object({}),
  run: async () => ({}),
});
const statusTool = defineTool({
  name: "status_thing",
  title: "Status",
  description: "Reads a unit",
  risk: "read_only",
  input: v.strictObject({ unit: v.string() }),
  output: v.object({ unit: v.string() }),
  policySubject: (input) => ({ unit: input.unit }),
  run: async (input) => ({ unit: input.unit }),
});

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A runtime with this file's tools and `policy`, in a temp state dir removed after the test. */
function setup(policy: string) {
  const dir = mkdtempSync(join(tmpdir(), "mc-runtime-approvals-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "policy.toml"), policy);
  const runtime = createRuntime({
    stateDir: dir,
    policyPath: join(dir, "policy.toml"),
    tools: [reloadTool, restartTool, undeclaredTool, statusTool],
    env: {},
  });
  cleanups.push(() => runtime.close());
  return runtime;
}
const agent = { caller: { kind: "mcp" as const, name: "agent" } };

describe("runtime.approvals", () => {
  it("should hand out no store: approving is only possible through the audited approvals API", () => {
    const runtime = setup("version = 1\n");
    expect("store" in runtime).toBe(false);
    expect(Object.keys(runtime).sort()).toStrictEqual([
      "approvals",
      "audit",
      "backups",
      "call",
      "close",
      "doctor",
      "listTools",
      "on",
      "paths",
      "policy",
      "runTool",
    ]);
  });

  it("should record each approve and reject as one audit event with the approver and the method, and keep the chain intact", async () => {
    const runtime = setup("version = 1\n");
    const first = await runtime.call("reload_thing", { unit: "a.service" }, agent);
    const second = await runtime.call("reload_thing", { unit: "b.service" }, agent);
    if (first.status !== "approval_required" || second.status !== "approval_required") throw new Error("expected two pending requests");
    await runtime.approvals.approve(first.approval_id, { by: "alice", method: "cli", note: "ok" });
    await runtime.approvals.reject(second.approval_id, { by: "bob", method: "cli" });
    const decisions = (await runtime.audit.list({})).filter((event) => event.decision === "approved" || event.decision === "rejected");
    expect(decisions.map((event) => [event.approvalId, event.decision, event.caller, event.reason])).toStrictEqual([
      [second.approval_id, "rejected", "cli", "rejected by bob via mc approvals reject (method cli)"],
      [first.approval_id, "approved", "cli", "approved by alice via mc approvals approve (method cli): ok"],
    ]);
    expect(await runtime.approvals.get(first.approval_id)).toMatchObject({ status: "approved", decidedBy: "alice", decisionNote: "ok" });
    expect(await runtime.call("reload_thing", { unit: "a.service", approval_id: first.approval_id }, agent)).toMatchObject({ status: "ok" });
    expect((await runtime.audit.verify()).ok).toBe(true);
  });

  it("should let elicitation approve only the risk levels [approvals] allow_elicitation lists, and audit it as mcp with the client", async () => {
    const runtime = setup('version = 1\n[approvals]\nallow_elicitation = ["mutating_safe"]\n');
    expect(runtime.approvals.allows("reload_thing", "elicitation")).toBe(true);
    expect(runtime.approvals.allows("restart_thing", "elicitation")).toBe(false);
    expect(runtime.approvals.allows("restart_thing", "cli")).toBe(true);
    expect(runtime.approvals.allows("no_such_tool", "elicitation")).toBe(false);
    const privileged = await runtime.call("restart_thing", { unit: "a.service" }, agent);
    const safe = await runtime.call("reload_thing", { unit: "a.service" }, agent);
    if (privileged.status !== "approval_required" || safe.status !== "approval_required") throw new Error("expected two pending requests");
    await expect(
      runtime.approvals.approve(privileged.approval_id, { by: "elicitation via agent", method: "elicitation", clientName: "agent" }),
    ).rejects.toMatchObject({
      code: "denied",
      message: expect.stringContaining("allow_elicitation does not list privileged"),
    });
    expect(await runtime.approvals.get(privileged.approval_id)).toMatchObject({ status: "pending" });
    await runtime.approvals.approve(safe.approval_id, { by: "elicitation via agent", method: "elicitation", clientName: "agent" });
    const [event] = await runtime.audit.list({ limit: 1 });
    expect(event).toMatchObject({ decision: "approved", caller: "mcp", clientName: "agent", approvalId: safe.approval_id });
    expect(event?.reason).toContain("method elicitation");
  });

  it("should refuse a method it does not know, deciding nothing", async () => {
    const runtime = setup("version = 1\n");
    const pending = await runtime.call("reload_thing", { unit: "a.service" }, agent);
    if (pending.status !== "approval_required") throw new Error("expected a pending request");
    // @ts-expect-error -- an untyped caller (JavaScript) passing a method the runtime does not know
    await expect(runtime.approvals.approve(pending.approval_id, { by: "x", method: "agent-itself" })).rejects.toMatchObject({ code: "denied" });
    expect(await runtime.approvals.get(pending.approval_id)).toMatchObject({ status: "pending", decidedBy: null });
  });

  it("should record --yes (approvedBy) as method terminal", async () => {
    const runtime = setup("version = 1\n");
    expect(await runtime.call("restart_thing", { unit: "a.service" }, { caller: { kind: "cli", name: "root" }, approvedBy: "root (terminal)" })).toMatchObject({
      status: "ok",
    });
    const approved = (await runtime.audit.list({})).find((event) => event.decision === "approved");
    expect(approved?.reason).toBe("approved by root (terminal) via mc tool --yes at a terminal (method terminal): approved at the terminal (--yes)");
  });
});

describe("policy subject and tool status", () => {
  it("should not read a unit argument the tool did not declare: service_patterns deny the call", async () => {
    const runtime = setup('version = 1\n[tools.undeclared_thing]\nservice_patterns = ["*.service"]\n');
    expect(await runtime.call("undeclared_thing", { unit: "a.service" }, agent)).toMatchObject({ status: "denied", code: "unit_not_allowed" });
  });

  it("should list a read-only tool with service_patterns and require_confirmation as needing approval, as its call does", async () => {
    const runtime = setup('version = 1\n[tools.status_thing]\nservice_patterns = ["nginx.service"]\nrequire_confirmation = true\n');
    expect(runtime.listTools().find((tool) => tool.name === "status_thing")).toMatchObject({ enabled: true, requiresConfirmation: true });
    expect(await runtime.call("status_thing", { unit: "nginx.service" }, agent)).toMatchObject({ status: "approval_required" });
  });
});
