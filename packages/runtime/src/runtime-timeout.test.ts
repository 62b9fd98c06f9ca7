// The policy's timeout_s reaches the action through the runtime, and a timeout
// says the job is still running.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { harnessForTests, waitFor } from "@mc/systemd-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime, type Runtime } from "./runtime.js";

const harness = await harnessForTests();
const UNIT = "mc-w2e-runtime-slow.service";
const caller = { caller: { kind: "embedded" as const, name: "runtime-timeout-test" } };

describe.skipIf(!harness.available)("timeout_s through the runtime", () => {
  let dir: string;
  let runtime: Runtime;
  beforeAll(async () => {
    if (!harness.available) return;
    await harness.exec(["tee", `/run/systemd/system/${UNIT}`], { input: "[Service]\nExecStart=/bin/sleep infinity\nExecStop=/bin/sleep 3\n" });
    await harness.exec(["systemctl", "daemon-reload"]);
    await harness.exec(["systemctl", "start", UNIT]);
    dir = mkdtempSync(join(tmpdir(), "mc-runtime-timeout-"));
    writeFileSync(join(dir, "policy.toml"), `version = 1\n[tools.restart_service]\nservice_patterns = ["${UNIT}"]\ntimeout_s = 1\n`);
    runtime = createRuntime({ stateDir: dir, policyPath: join(dir, "policy.toml"), commandPrefix: harness.prefix, env: {} });
  }, 60_000);
  afterAll(async () => {
    await runtime?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (!harness.available) return;
    await waitFor(async () => (await harness.exec(["systemctl", "list-jobs", "--no-legend", "--plain", "--", UNIT])).stdout.trim() === "", {
      timeoutMs: 30_000,
    });
    await harness.exec(["systemctl", "stop", UNIT]);
    await harness.exec(["rm", "-f", `/run/systemd/system/${UNIT}`]);
    await harness.exec(["systemctl", "daemon-reload"]);
    // A failed unit stays listed (failed_services counts it) until reset, even once its file is gone.
    await harness.exec(["systemctl", "reset-failed", UNIT]);
  }, 60_000);

  it("should stop waiting after the policy's timeout_s, fail the approval and say the restart is still running", async () => {
    const pending = await runtime.call("restart_service", { unit: UNIT }, caller);
    if (pending.status !== "approval_required") throw new Error(JSON.stringify(pending));
    await runtime.approvals.approve(pending.approval_id, { by: "test-operator", method: "embedded" });
    const result = await runtime.call("restart_service", { unit: UNIT, approval_id: pending.approval_id }, caller);
    expect(result).toMatchObject({
      status: "error",
      code: "timeout",
      data: { reason: "timeout", timeout_s: 1, job_running: true, jobs: [{ type: "restart", state: "running" }], active_state: "deactivating" },
    });
    expect(result.status === "error" ? result.message : "").toContain("did not finish within 1 s");
    // The approval is spent: it ran once, and failed.
    expect((await runtime.approvals.get(pending.approval_id))?.status).toBe("failed");
  }, 60_000);
});
