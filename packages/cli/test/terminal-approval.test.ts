// `mc tool NAME --yes` at a real terminal (a pty from util-linux `script`) runs a privileged call
// and records the operator as its approver; without a terminal, --yes is refused (exit 2).
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { harnessForTests } from "@mc/systemd-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MC_BIN = fileURLToPath(new URL("../bin/mc.js", import.meta.url));
const harness = await harnessForTests();
const execFileAsync = promisify(execFile);
const hasScript = spawnSync("script", ["--version"]).status === 0;

describe.skipIf(!harness.available)("--yes at a terminal", () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    if (!harness.available) return;
    dir = mkdtempSync(join(tmpdir(), "mc-tty-"));
    env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, MC_STATE_DIR: dir, MC_COMMAND_PREFIX: JSON.stringify(harness.prefix) };
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("should refuse --yes without a terminal (exit 2) and run nothing", async () => {
    const result = await execFileAsync(process.execPath, [MC_BIN, "tool", "restart_service", "--arg", "unit=mc-demo.service", "--yes"], { env }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(result).toMatchObject({ code: 2 });
    const { stdout } = await execFileAsync(process.execPath, [MC_BIN, "approvals", "list", "--json"], { env });
    expect(JSON.parse(stdout)).toStrictEqual({ approvals: [] });
  });

  it.runIf(hasScript)("should restart the unit and record the operator as approver", async () => {
    const command = [process.execPath, MC_BIN, "tool", "restart_service", "--arg", "unit=mc-demo.service", "--yes", "--json"]
      .map((part) => `'${part}'`)
      .join(" ");
    const result = spawnSync("script", ["-qec", command, "/dev/null"], { env, encoding: "utf8", timeout: 30_000 });
    expect(result.status).toBe(0);
    const output = JSON.parse(result.stdout.slice(result.stdout.indexOf("{"))) as { ok: boolean; output: { main_pid: number; previous_main_pid: number } };
    expect(output.ok).toBe(true);
    expect(output.output.main_pid).not.toBe(output.output.previous_main_pid);
    const { stdout } = await execFileAsync(process.execPath, [MC_BIN, "approvals", "list", "--json"], { env });
    const [approval] = (JSON.parse(stdout) as { approvals: Array<{ status: string; decided_by: string; tool: string }> }).approvals;
    expect(approval).toMatchObject({ tool: "restart_service", status: "completed", decided_by: `${userInfo().username} (terminal)` });
  });
});
