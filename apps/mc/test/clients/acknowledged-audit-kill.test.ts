// An acknowledged call's audit event is durable: `mc mcp serve` answers a tool call only after
// the call's event is committed (with concurrent calls sharing one commit, group commit), so a
// server killed with SIGKILL right after answering still has every answered call in its
// database, and the chain verifies. The kill lands while more calls are in flight.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MC_BIN, childEnv, runMc, tempDir } from "./support.js";

interface Answer {
  id: number;
  result?: { isError?: boolean };
  error?: unknown;
}

/**
 * Starts `mc mcp serve`, sends `initialize`, then `rounds` bursts of `burst` memory_usage calls
 * (each burst written at once); in the last burst, SIGKILLs the server from the handler that
 * reads the `killAfter`-th answer of that burst. Returns how many calls were answered with a
 * successful result before the kill, and the server's exit signal.
 */
async function answeredBeforeKill(
  env: Record<string, string>,
  rounds: number,
  burst: number,
  killAfter: number,
): Promise<{ okAnswers: number; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, [MC_BIN, "mcp", "serve"], { env, stdio: ["pipe", "pipe", "pipe"] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const waiting = new Map<number, (answer: Answer) => void>();
  let buffered = "";
  let okAnswers = 0;
  let killed = false;
  let inLastRound = 0;
  let lastRound = false;
  child.stdout.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    let end: number;
    while ((end = buffered.indexOf("\n")) !== -1) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (line.trim() === "" || killed) continue;
      const answer = JSON.parse(line) as Answer;
      if (answer.id >= 2 && answer.result !== undefined && answer.result.isError !== true) okAnswers += 1;
      if (lastRound && answer.id >= 2) {
        inLastRound += 1;
        if (inLastRound === killAfter) {
          // Synchronously, before anything else is read: every answer counted so far was sent
          // by the server before it died.
          killed = true;
          child.kill("SIGKILL");
          continue;
        }
      }
      waiting.get(answer.id)?.(answer);
      waiting.delete(answer.id);
    }
  });
  let nextId = 1;
  const send = (method: string, params?: unknown): Promise<Answer> => {
    const id = nextId++;
    const answered = new Promise<Answer>((resolve) => waiting.set(id, resolve));
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) })}\n`);
    return answered;
  };
  const initialized = await send("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "kill-test", version: "1.0.0" } });
  expect(initialized.error, stderr).toBeUndefined();
  child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
  for (let round = 0; round < rounds - 1; round += 1) {
    const answers = await Promise.all(Array.from({ length: burst }, () => send("tools/call", { name: "memory_usage", arguments: {} })));
    expect(
      answers.filter((answer) => answer.result === undefined || answer.result.isError === true),
      stderr,
    ).toStrictEqual([]);
  }
  lastRound = true;
  for (let index = 0; index < burst; index += 1) void send("tools/call", { name: "memory_usage", arguments: {} });
  const signal = await exited;
  return { okAnswers, signal };
}

describe("an acknowledged tool call survives kill -9 of the server", () => {
  it("should have every answered call's audit event in the database, and a chain that verifies", { timeout: 120_000 }, async () => {
    const stateDir = tempDir("mc-ack-kill-");
    const policyPath = join(stateDir, "policy.toml");
    writeFileSync(policyPath, "version = 1\n[tools.memory_usage]\nenabled = true\n");
    const env = childEnv({ MC_STATE_DIR: stateDir, MC_POLICY_PATH: policyPath });
    const rounds = 4;
    const burst = 50;
    const { okAnswers, signal } = await answeredBeforeKill(env, rounds, burst, 25);
    expect(signal).toBe("SIGKILL");
    // Three whole rounds and the first 25 answers of the last.
    expect(okAnswers).toBeGreaterThanOrEqual((rounds - 1) * burst + 25);

    const verify = await runMc(["--json", "audit", "verify"], env);
    expect(verify.exitCode, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, problems: [] });
    const listed = await runMc(["--json", "audit", "list", "--tool", "memory_usage", "--outcome", "ok", "--limit", "1000"], env);
    expect(listed.exitCode, listed.stderr).toBe(0);
    const events = (JSON.parse(listed.stdout) as { events: { tool: string; outcome: string; caller: string }[] }).events;
    // Every answered call is recorded; calls in flight at the kill may be recorded or not.
    expect(events.filter((event) => event.caller === "mcp").length).toBeGreaterThanOrEqual(okAnswers);
    expect(events.length).toBeLessThanOrEqual(rounds * burst);
  });
});
