import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommandTimeoutError, createCommandRunner, DEFAULT_MAX_OUTPUT_CHARS, ToolFailureError } from "@mc/core";
import { waitFor } from "@mc/systemd-harness";
import { describe, expect, it, onTestFinished } from "vitest";

/**
 * Whether a pid is gone: no /proc entry, or a zombie (dead, waiting for this host's init to
 * reap it, which it does lazily here).
 */
async function isDead(pid: number): Promise<boolean> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    return /^State:\s+Z/m.test(status);
  } catch {
    return true;
  }
}

/**
 * Keys of `env` output.
 * @param stdout - what `env` printed
 */
function environmentNames(stdout: string): string[] {
  return stdout
    .split("\n")
    .filter((line) => line.includes("="))
    .map((line) => line.slice(0, line.indexOf("=")))
    .sort();
}

describe("the command runner's guarantees for the systemd tools", () => {
  it("should kill a command that runs past its timeout together with its children", async () => {
    const directory = await mkdtemp(join(tmpdir(), "mc-runner-timeout-"));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const pidFile = join(directory, "pids");
    const runner = createCommandRunner();
    // The shell reports its own pid and its background child's before sleeping in the foreground.
    const script = `sleep 30 & echo $! > ${pidFile}; echo $$ >> ${pidFile}; sleep 30`;
    const error = await runner.run("sh", ["-c", script], { timeoutMs: 300 }).catch((caught: unknown) => caught);
    expect(CommandTimeoutError.isInstance(error)).toBe(true);
    const pids = (await readFile(pidFile, "utf8")).trim().split("\n").map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) {
      await waitFor(() => isDead(pid), { timeoutMs: 5_000, description: `process ${pid} to be gone` });
    }
  });

  it("should kill a command and its children when the caller aborts, and say it was cancelled", async () => {
    const directory = await mkdtemp(join(tmpdir(), "mc-runner-abort-"));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const pidFile = join(directory, "pids");
    const runner = createCommandRunner();
    const controller = new AbortController();
    const script = `sleep 30 & echo $! > ${pidFile}; echo $$ >> ${pidFile}; sleep 30`;
    const running = runner.run("sh", ["-c", script], { timeoutMs: 30_000, signal: controller.signal }).catch((caught: unknown) => caught);
    const pids = await waitFor(
      async () => {
        const lines = (await readFile(pidFile, "utf8").catch(() => "")).trim().split("\n").filter(Boolean);
        return lines.length === 2 ? lines.map(Number) : undefined;
      },
      { timeoutMs: 5_000, description: "the shell to report its pids" },
    );
    controller.abort();
    const error = await running;
    expect(ToolFailureError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^Cancelled by the caller: sh and everything it started were killed/);
    for (const pid of pids) {
      await waitFor(() => isDead(pid), { timeoutMs: 5_000, description: `process ${pid} to be gone` });
    }
  });

  it("should not start a command whose caller already aborted", async () => {
    const directory = await mkdtemp(join(tmpdir(), "mc-runner-aborted-"));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const marker = join(directory, "started");
    const error = await createCommandRunner()
      .run("touch", [marker], { timeoutMs: 3_000, signal: AbortSignal.abort() })
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toBe("Cancelled by the caller before touch started.");
    await expect(readFile(marker)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("should cut flooding output at the cap and flag it as truncated", async () => {
    const runner = createCommandRunner();
    const result = await runner.run("yes", [], { timeoutMs: 10_000 });
    expect(result.truncated).toBe(true);
    expect(result.stdout.length).toBe(DEFAULT_MAX_OUTPUT_CHARS);
    expect(result.stdout.startsWith("y\ny\n")).toBe(true);
    // Resolving at all (no CommandTimeoutError) shows the flood was stopped at the cap rather
    // than left running until the time limit.
  });

  it("should give commands a closed stdin", async () => {
    const runner = createCommandRunner();
    const result = await runner.run("cat", [], { timeoutMs: 3_000 });
    expect([result.exitCode, result.stdout]).toStrictEqual([0, ""]);
  });

  it("should pass only PATH, LANG and LC_ALL in system scope", async () => {
    const sourceEnv = { ...process.env, MC_SECRET: "leak", LD_PRELOAD: "/x.so", HOME: "/root", XDG_RUNTIME_DIR: "/run/user/0" };
    const runner = createCommandRunner({ sourceEnv });
    const result = await runner.run("env", [], { timeoutMs: 3_000 });
    expect(environmentNames(result.stdout)).toStrictEqual(["LANG", "LC_ALL", "PATH"]);
    expect(result.stdout).toContain("LC_ALL=C.UTF-8\n");
  });

  it("should add the user session's variables in user scope and nothing else", async () => {
    const sourceEnv = { MC_SECRET: "leak", HOME: "/home/ops", XDG_RUNTIME_DIR: "/run/user/1000" };
    const runner = createCommandRunner({ sourceEnv });
    const result = await runner.run("env", [], { timeoutMs: 3_000, scope: "user" });
    expect(environmentNames(result.stdout)).toStrictEqual(["DBUS_SESSION_BUS_ADDRESS", "HOME", "LANG", "LC_ALL", "PATH", "XDG_RUNTIME_DIR"]);
    expect(result.stdout).toContain("DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus\n");
  });

  it("should pass arguments as argv, never through a shell", async () => {
    const runner = createCommandRunner();
    const result = await runner.run("echo", ["$(id)", ";", "|", "`id`", "*"], { timeoutMs: 3_000 });
    expect(result.stdout).toBe("$(id) ; | `id` *\n");
  });
});
