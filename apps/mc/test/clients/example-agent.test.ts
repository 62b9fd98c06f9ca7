// Runs examples/agent against the real systemd container and approves (or rejects) its request
// from another process, as an operator would.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { harnessForTests } from "@mc/systemd-harness";
import { describe, expect, it, onTestFinished } from "vitest";
import { childEnv, REPO_ROOT, runMc, tempDir } from "./support.js";

const harness = await harnessForTests();
const AGENT = join(REPO_ROOT, "examples/agent/agent.mjs");

interface AgentRun {
  /** Resolves with the approval id once the agent printed its approve command. */
  approvalId: Promise<string>;
  /** Resolves when the agent exits. */
  exit: Promise<{ exitCode: number | null; stdout: string; stderr: string }>;
}

function startAgent(env: Record<string, string>): AgentRun {
  const child = spawn(process.execPath, [AGENT, "mc-reload.service"], { env, cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  onTestFinished(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  let found: (id: string) => void = () => undefined;
  const approvalId = new Promise<string>((resolve, reject) => {
    found = resolve;
    child.once("exit", () => reject(new Error(`the agent exited before asking for approval:\n${stdout}\n${stderr}`)));
  });
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    // approve_with names the test's state dir (not the default) before the command.
    const match = /^ {2}(?:MC_STATE_DIR=\S+ )?mc approvals approve (apr_\w+)$/m.exec(stdout);
    if (match?.[1]) found(match[1]);
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ exitCode: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once("close", (exitCode) => resolve({ exitCode, stdout, stderr })),
  );
  return { approvalId, exit };
}

describe.skipIf(!harness.available)("examples/agent (embedded runtime, real systemd)", () => {
  function environment(): Record<string, string> {
    const dir = tempDir("mc-agent-");
    // An explicit MC_POLICY_PATH must name a file that exists (a missing one denies every tool).
    const policyPath = join(dir, "policy.toml");
    writeFileSync(policyPath, 'version = 1\n\n[tools.restart_service]\nservice_patterns = ["mc-reload.service"]\n');
    return childEnv({
      MC_STATE_DIR: join(dir, "state"),
      MC_POLICY_PATH: policyPath,
      MC_COMMAND_PREFIX: JSON.stringify(harness.available ? harness.prefix : []),
      AGENT_POLL_MS: "100",
    });
  }

  it("should list tools, read the unit, wait for the approval from another process, then restart it", async () => {
    const env = environment();
    const agent = startAgent(env);
    const approvalId = await agent.approvalId;
    const approve = await runMc(["approvals", "approve", approvalId], env);
    expect(approve.exitCode, approve.stderr).toBe(0);
    const { exitCode, stdout, stderr } = await agent.exit;
    expect(exitCode, stderr).toBe(0);
    expect(stdout).toMatch(/^ {2}service_status \(read_only\)$/m);
    expect(stdout).toMatch(/^ {2}restart_service \(privileged, needs approval\)$/m);
    expect(stdout).toMatch(/^mc-reload\.service: active\/running, main pid \d+$/m);
    expect(stdout).toContain(`[event] approval requested ${approvalId} for restart_service`);
    expect(stdout).toMatch(/^restarted mc-reload\.service: main pid (\d+) -> (?!\1)\d+, now active$/m);
    const events = stdout.split("\n").filter((line) => line.startsWith("[event] call"));
    expect(events).toStrictEqual([
      "[event] call service_status -> ok",
      "[event] call restart_service -> approval_required",
      "[event] call restart_service -> ok",
    ]);
    // Audited as an embedded caller with the agent's name; the approved restart is recorded as
    // started before it runs, then with its outcome.
    const audit = await runMc(["audit", "list", "--json", "--caller", "embedded"], env);
    const rows = (JSON.parse(audit.stdout) as { events: Array<{ client_name: string; tool: string; outcome: string }> }).events.reverse();
    expect(rows.map((row) => [row.client_name, row.tool, row.outcome])).toStrictEqual([
      ["example-agent", "service_status", "ok"],
      ["example-agent", "restart_service", "pending"],
      ["example-agent", "restart_service", "started"],
      ["example-agent", "restart_service", "ok"],
    ]);
  });

  it("should give up without restarting when the operator rejects", async () => {
    const env = environment();
    const agent = startAgent(env);
    const approvalId = await agent.approvalId;
    const reject = await runMc(["approvals", "reject", approvalId, "--note", "not now"], env);
    expect(reject.exitCode, reject.stderr).toBe(0);
    const { exitCode, stdout } = await agent.exit;
    expect(exitCode).toBe(1);
    expect(stdout).toContain(`restart_service did not run: approval ${approvalId} is rejected`);
    expect(stdout).not.toContain("restarted mc-reload.service");
  });
});
