// A process killed with SIGKILL in the middle of an approved execution leaves its
// approval `executing`; the next runtime start marks it failed/interrupted and nothing re-runs it.
// The run's `started` event was durable before it ran, and the recovery is audited.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { slowTool } from "./__fixtures__/slow-tool.mjs";
import { storeView } from "./test-store-view.js";
import { createRuntime } from "./runtime.js";

const CHILD = fileURLToPath(new URL("./__fixtures__/crash-child.mjs", import.meta.url));

describe("an execution killed mid-run", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("should be marked failed: interrupted on the next start, and never run again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mc-crash-"));
    dirs.push(dir);
    const marker = join(dir, "runs.log");
    process.env.MC_TEST_MARKER = marker;
    const caller = { caller: { kind: "embedded" as const, name: "crash-test" } };

    const first = createRuntime({ stateDir: dir, tools: [slowTool], env: {} });
    const pending = await first.call("slow_change", { target: "x" }, caller);
    if (pending.status !== "approval_required") throw new Error(`expected approval_required: ${JSON.stringify(pending)}`);
    await first.approvals.approve(pending.approval_id, { by: "ops", method: "embedded" });
    await first.close();

    const child = spawn(process.execPath, [CHILD, dir, pending.approval_id], {
      env: { ...process.env, MC_TEST_MARKER: marker },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let childErrors = "";
    child.stderr.on("data", (chunk: Buffer) => (childErrors += chunk.toString()));
    const deadline = Date.now() + 15_000;
    while (!existsSync(marker)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the child never started the tool: ${childErrors}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;

    const next = createRuntime({ stateDir: dir, tools: [slowTool], env: {} });
    try {
      const store = storeView(next);
      expect(await store.get(pending.approval_id)).toMatchObject({ status: "failed", error: "interrupted" });
      const replay = await next.call("slow_change", { target: "x", approval_id: pending.approval_id }, caller);
      expect(replay).toMatchObject({ status: "denied", code: "approval_invalid" });
      expect(readFileSync(marker, "utf8").trim().split("\n")).toHaveLength(1);
      // The run was recorded as started (with its claim) before it ran, and its recovery is an
      // audited event naming the same approval.
      const events = (await store.listAudit()).filter((event) => event.approvalId === pending.approval_id).reverse();
      expect(events.map((event) => `${event.decision}/${event.outcome}`)).toStrictEqual([
        "approval_required/pending",
        "approved/ok",
        "allowed/started",
        "recovered/failed",
        "denied/denied",
      ]);
      expect(events[2]).toMatchObject({ caller: "embedded", clientName: "crash-child" });
      expect(events[3]).toMatchObject({ error: "interrupted" });
      expect((await store.verifyAudit()).ok).toBe(true);
    } finally {
      await next.close();
    }
  });
});
