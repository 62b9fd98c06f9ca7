import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeniedError, defineTool, McError, ToolFailureError, type ToolDefinition } from "@mc/core";
import * as v from "valibot";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { storeView } from "./test-store-view.js";
import { createRuntime, type Runtime } from "./runtime.js";

/** Tools whose runs are counted, so a test can prove a call did or did not run. */
function countingTools() {
  const runs: Record<string, number> = {};
  const count = (name: string) => {
    runs[name] = (runs[name] ?? 0) + 1;
  };
  const readTool = defineTool({
    name: "read_thing",
    title: "Read",
    description: "Reads a thing",
    risk: "read_only",
    input: v.strictObject({ unit: v.optional(v.pipe(v.string(), v.regex(/^[a-z-]+\.service$/))), scope: v.optional(v.picklist(["system", "user"]), "system") }),
    output: v.object({ value: v.number() }),
    policySubject: (input) => ({ scope: input.scope, unit: input.unit }),
    run: async () => {
      count("read_thing");
      return { value: 42 };
    },
  });
  const changeTool = defineTool({
    name: "change_thing",
    title: "Change",
    description: "Changes a thing",
    risk: "privileged",
    input: v.strictObject({ unit: v.pipe(v.string(), v.regex(/^[a-z-]+\.service$/)), dry_run: v.optional(v.boolean(), false) }),
    output: v.object({ changed: v.boolean() }),
    policySubject: (input) => ({ unit: input.unit }),
    confirmationExempt: (input) => input.dry_run,
    run: async (input) => {
      count("change_thing");
      return { changed: !input.dry_run };
    },
  });
  const throwingTool = defineTool({
    name: "throwing_thing",
    title: "Throws",
    description: "Throws a plain TypeError, not a ToolError",
    risk: "privileged",
    input: v.strictObject({}),
    output: v.object({}),
    run: async () => {
      count("throwing_thing");
      throw new TypeError("Cannot read properties of undefined (reading 'pid')");
    },
  });
  const failingTool = defineTool({
    name: "failing_thing",
    title: "Fails",
    description: "Fails with a typed error",
    risk: "read_only",
    input: v.strictObject({}),
    output: v.object({}),
    run: async () => {
      throw new ToolFailureError("unit not found");
    },
  });
  const badOutputTool = defineTool({
    name: "bad_output",
    title: "Bad output",
    description: "Returns the wrong shape",
    risk: "read_only",
    input: v.strictObject({}),
    output: v.object({ value: v.number() }),
    run: async () => ({ value: "not a number" }) as unknown as { value: number },
  });
  const tools: ToolDefinition[] = [readTool, changeTool, throwingTool, failingTool, badOutputTool];
  return { tools, runs };
}

describe("createRuntime", () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function setup(policy?: string) {
    const dir = mkdtempSync(join(tmpdir(), "mc-runtime-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    if (policy !== undefined) writeFileSync(join(dir, "policy.toml"), policy);
    const { tools, runs } = countingTools();
    const runtime: Runtime = createRuntime({ stateDir: dir, policyPath: join(dir, "policy.toml"), tools, env: {} });
    cleanups.push(() => runtime.close());
    return { runtime, runs, dir };
  }
  const cli = { caller: { kind: "cli" as const, name: "tester" } };

  it("should run an allowed read-only call and return its validated output", async () => {
    const { runtime, runs } = setup();
    const result = await runtime.call("read_thing", {}, cli);
    expect(result).toMatchObject({ status: "ok", tool: "read_thing", output: { value: 42 } });
    expect(runs.read_thing).toBe(1);
  });

  it("should refuse an unknown tool, naming the known ones", async () => {
    const { runtime } = setup();
    const result = await runtime.call("rm_rf", {}, cli);
    expect(result).toMatchObject({ status: "error", code: "unknown_tool" });
    expect(result.status === "error" && result.message).toContain("read_thing");
  });

  it("should refuse invalid input before the policy and before running", async () => {
    const { runtime, runs } = setup();
    const result = await runtime.call("read_thing", { unit: "x;reboot", extra: 1 }, cli);
    expect(result).toMatchObject({ status: "error", code: "input_invalid" });
    expect(result.status === "error" && result.message).toMatch(/unit/);
    expect(runs.read_thing).toBeUndefined();
  });

  it("should deny a disabled tool with its code and reason", async () => {
    const { runtime, runs } = setup("version = 1\n[tools.read_thing]\nenabled = false\n");
    const result = await runtime.call("read_thing", {}, cli);
    expect(result).toMatchObject({ status: "denied", code: "tool_disabled" });
    expect(runs.read_thing).toBeUndefined();
  });

  it("should deny a scope and a unit the policy does not allow", async () => {
    const { runtime } = setup('version = 1\n[tools.read_thing]\nallowed_scopes = ["system"]\nservice_patterns = ["app-*.service"]\n');
    expect(await runtime.call("read_thing", { unit: "app-web.service", scope: "user" }, cli)).toMatchObject({ status: "denied", code: "scope_not_allowed" });
    expect(await runtime.call("read_thing", { unit: "sshd.service" }, cli)).toMatchObject({ status: "denied", code: "unit_not_allowed" });
    expect(await runtime.call("read_thing", { unit: "app-web.service" }, cli)).toMatchObject({ status: "ok" });
  });

  it("should deny every tool when the policy file does not load", async () => {
    const { runtime, runs } = setup("version = 1\n[tools.read_thing]\nenabeld = true\n");
    for (const name of ["read_thing", "change_thing", "failing_thing"]) {
      const result = await runtime.call(name, name === "change_thing" ? { unit: "a.service" } : {}, cli);
      expect(result).toMatchObject({ status: "denied", code: "policy_load_error" });
      expect(result.status === "denied" && result.reason).toMatch(/^Policy load error: .*policy\.toml:3:1/);
    }
    expect(runs).toStrictEqual({});
    const report = await runtime.doctor();
    expect(report.ok).toBe(false);
    expect(report.checks.find((check) => check.name === "policy")?.ok).toBe(false);
  });

  it("should ask for approval, return the same pending request for the same call, and run once approved", async () => {
    const { runtime, runs } = setup();
    const first = await runtime.call("change_thing", { unit: "app.service" }, cli);
    expect(first).toMatchObject({ status: "approval_required", tool: "change_thing" });
    if (first.status !== "approval_required") throw new Error("unreachable");
    // Not the default state dir: approve_with names it, so it works as printed from another shell.
    expect(first.approve_with).toBe(`MC_STATE_DIR=${runtime.paths.stateDir} mc approvals approve ${first.approval_id}`);
    const again = await runtime.call("change_thing", { unit: "app.service" }, { caller: { kind: "mcp", name: "other-client" } });
    expect(again.status === "approval_required" && again.approval_id).toBe(first.approval_id);
    expect(runs.change_thing).toBeUndefined();

    // Not approved yet: the id is refused.
    expect(await runtime.call("change_thing", { unit: "app.service", approval_id: first.approval_id }, cli)).toMatchObject({
      status: "denied",
      code: "approval_invalid",
    });

    const store = storeView(runtime);
    await store.approve(first.approval_id, { by: "ops", method: "embedded" });
    // Another caller context than the one that created it: claimed by id, runs once.
    const executed = await runtime.call(
      "change_thing",
      { unit: "app.service", approval_id: first.approval_id },
      { caller: { kind: "mcp", name: "other-client" } },
    );
    expect(executed).toMatchObject({ status: "ok", output: { changed: true }, approvalId: first.approval_id });
    expect(runs.change_thing).toBe(1);
    // A replay of the same approval is refused and runs nothing.
    expect(await runtime.call("change_thing", { unit: "app.service", approval_id: first.approval_id }, cli)).toMatchObject({
      status: "denied",
      code: "approval_invalid",
    });
    expect(runs.change_thing).toBe(1);
    expect((await store.get(first.approval_id))?.status).toBe("completed");
  });

  it("should refuse an approval used for other arguments than it was granted for", async () => {
    const { runtime, runs } = setup();
    const pending = await runtime.call("change_thing", { unit: "app.service" }, cli);
    if (pending.status !== "approval_required") throw new Error("expected approval_required");
    const store = storeView(runtime);
    await store.approve(pending.approval_id, { by: "ops", method: "embedded" });
    const other = await runtime.call("change_thing", { unit: "db.service", approval_id: pending.approval_id }, cli);
    expect(other).toMatchObject({ status: "denied", code: "approval_invalid" });
    expect(runs.change_thing).toBeUndefined();
    expect((await store.get(pending.approval_id))?.status).toBe("approved");
  });

  it("should leave the approval failed, with the error, when the tool throws a plain exception", async () => {
    const { runtime, runs } = setup();
    const pending = await runtime.call("throwing_thing", {}, cli);
    if (pending.status !== "approval_required") throw new Error("expected approval_required");
    const store = storeView(runtime);
    await store.approve(pending.approval_id, { by: "ops", method: "embedded" });
    const result = await runtime.call("throwing_thing", { approval_id: pending.approval_id }, cli);
    expect(result).toMatchObject({ status: "error", code: "tool_failed" });
    expect(runs.throwing_thing).toBe(1);
    const approval = await store.get(pending.approval_id);
    expect(approval?.status).toBe("failed");
    expect(approval?.error).toContain("Cannot read properties of undefined");
  });

  it("should record the operator at the terminal as approver", async () => {
    const { runtime, runs } = setup();
    const result = await runtime.call("change_thing", { unit: "app.service" }, { ...cli, approvedBy: "alice (terminal)" });
    expect(result).toMatchObject({ status: "ok" });
    expect(runs.change_thing).toBe(1);
    const approval = await runtime.approvals.get(result.status === "ok" ? (result.approvalId ?? "") : "");
    expect(approval).toMatchObject({ status: "completed", decidedBy: "alice (terminal)" });
  });

  it("should claim an identical request that is already approved when the operator uses --yes", async () => {
    const { runtime, runs } = setup();
    const pending = await runtime.call("change_thing", { unit: "app.service" }, cli);
    if (pending.status !== "approval_required") throw new Error("expected approval_required");
    await runtime.approvals.approve(pending.approval_id, { by: "bob", method: "embedded" });
    const result = await runtime.call("change_thing", { unit: "app.service" }, { ...cli, approvedBy: "alice (terminal)" });
    expect(result).toMatchObject({ status: "ok", approvalId: pending.approval_id });
    expect(runs.change_thing).toBe(1);
    expect(await runtime.approvals.get(pending.approval_id)).toMatchObject({ status: "completed", decidedBy: "bob" });
  });

  it("should run a dry run without approval", async () => {
    const { runtime, runs } = setup();
    expect(await runtime.call("change_thing", { unit: "app.service", dry_run: true }, cli)).toMatchObject({ status: "ok", output: { changed: false } });
    expect(runs.change_thing).toBe(1);
  });

  it("should report a typed tool failure and an output that breaks the schema", async () => {
    const { runtime } = setup();
    expect(await runtime.call("failing_thing", {}, cli)).toMatchObject({ status: "error", code: "tool_failed", message: "unit not found" });
    expect(await runtime.call("bad_output", {}, cli)).toMatchObject({ status: "error", code: "output_invalid" });
  });

  it("should audit every call once, whatever its outcome, in a chain that verifies", async () => {
    const { runtime } = setup("version = 1\n[tools.failing_thing]\nenabled = false\n");
    await runtime.call("read_thing", {}, cli);
    await runtime.call("read_thing", { unit: 5 }, cli);
    await runtime.call("failing_thing", {}, cli);
    await runtime.call("change_thing", { unit: "app.service" }, { caller: { kind: "embedded", name: "agent-x" } });
    await runtime.call("nope", {}, cli);
    const store = storeView(runtime);
    const events = await store.listAudit({});
    expect(events.map((event) => [event.tool, event.outcome]).reverse()).toStrictEqual([
      ["read_thing", "ok"],
      ["read_thing", "error"],
      ["failing_thing", "denied"],
      ["change_thing", "pending"],
      ["nope", "error"],
    ]);
    expect(events.find((event) => event.tool === "change_thing")).toMatchObject({ caller: "embedded", clientName: "agent-x" });
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it("should emit events for embedders", async () => {
    const { runtime } = setup();
    const seen: string[] = [];
    const off = runtime.on("call", (event) => seen.push(`${event.tool}:${event.result.status}`));
    runtime.on("approval_requested", (event) => seen.push(`requested:${event.tool}`));
    await runtime.call("read_thing", {}, cli);
    await runtime.call("change_thing", { unit: "a.service" }, cli);
    off();
    await runtime.call("read_thing", {}, cli);
    expect(seen).toStrictEqual(["read_thing:ok", "requested:change_thing", "change_thing:approval_required"]);
  });

  it("should not let a listener that throws change a call's result", async () => {
    const { runtime, runs } = setup();
    runtime.on("call", () => {
      throw new Error("listener bug");
    });
    expect(await runtime.call("read_thing", {}, cli)).toMatchObject({ status: "ok" });
    expect(runs.read_thing).toBe(1);
  });

  it("should list tools with schemas and what the policy says of them", () => {
    const { runtime } = setup("version = 1\n[tools.read_thing]\nenabled = false\n");
    const tools = runtime.listTools();
    expect(tools.find((tool) => tool.name === "read_thing")).toMatchObject({ enabled: false, risk: "read_only" });
    expect(tools.find((tool) => tool.name === "change_thing")).toMatchObject({
      enabled: true,
      requiresConfirmation: true,
      annotations: { destructiveHint: true },
    });
    expect(tools.find((tool) => tool.name === "change_thing")?.inputSchema).toMatchObject({ type: "object", required: ["unit"] });
  });

  it("should be ok in doctor with the defaults", async () => {
    const { runtime } = setup();
    const report = await runtime.doctor();
    expect(report.checks.filter((check) => !check.ok && check.severity === "error")).toStrictEqual([]);
    expect(report.ok).toBe(true);
  });
});

describe("a tool's denial", () => {
  function runtimeWith(thrown: () => Error) {
    const dir = mkdtempSync(join(tmpdir(), "mc-runtime-denial-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const tool = defineTool({
      name: "refusing_thing",
      title: "Refuses",
      description: "Throws what the test gives it",
      risk: "read_only",
      input: v.strictObject({}),
      output: v.object({}),
      run: async () => {
        throw thrown();
      },
    });
    const runtime = createRuntime({ stateDir: dir, policyPath: join(dir, "policy.toml"), tools: [tool], env: {} });
    onTestFinished(() => runtime.close());
    return runtime;
  }
  const cli = { caller: { kind: "cli" as const, name: "tester" } };

  it("should return a DeniedError's code and reason", async () => {
    const runtime = runtimeWith(() => new DeniedError("config_path_refused", "/etc/shadow is outside every config target root"));
    expect(await runtime.call("refusing_thing", {}, cli)).toMatchObject({
      status: "denied",
      code: "config_path_refused",
      reason: "/etc/shadow is outside every config target root",
    });
  });

  it("should not report an error that only claims the denied code (no string denial) as a denial", async () => {
    const runtime = runtimeWith(() => new McError("denied", "refused", { data: { denial: { code: "tool_disabled" } } }));
    const result = await runtime.call("refusing_thing", {}, cli);
    expect(result).toMatchObject({ status: "error", code: "tool_failed", message: "refused" });
    expect(JSON.stringify(result)).not.toContain("[object Object]");
  });
});
