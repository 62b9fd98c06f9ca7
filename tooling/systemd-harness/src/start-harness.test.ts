import { writeFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { harnessForTests } from "./harness-for-tests.js";
import { harnessScripts } from "./harness-scripts.js";
import { startHarness, type HarnessHandle } from "./start-harness.js";
import { waitFor } from "./wait-for.js";

const harness = await harnessForTests();

/** The harness, narrowed: these tests only run where it is available. */
function running(): HarnessHandle {
  if (!harness.available) throw new Error(harness.reason);
  return harness;
}

async function show(unit: string, property: string, options: { user?: boolean; userScope?: boolean } = {}) {
  const scope = options.userScope === true ? ["--user"] : [];
  const result = await running().exec(["systemctl", ...scope, "show", unit, "--no-pager", `--property=${property}`], {
    user: options.user === true,
  });
  return { exitCode: result.exitCode, stdout: result.stdout };
}

describe.skipIf(!harness.available)("startHarness against the real container", () => {
  it("should reuse the running harness when started again", async () => {
    const again = await startHarness();
    expect(again.available).toBe(true);
    if (!again.available) return;
    expect(again.env.MC_HARNESS_NSPAWN_PID).toBe(running().env.MC_HARNESS_NSPAWN_PID);
    expect(again.env.MC_HARNESS_LEADER).toBe(running().env.MC_HARNESS_LEADER);
    expect(again.prefix).toStrictEqual([harnessScripts.exec]);
    expect(again.userPrefix).toStrictEqual([harnessScripts.exec, "--user"]);
  });

  it("should pass exit status, stdout and stderr through", async () => {
    const result = await running().exec(["sh", "-c", "echo out; echo err >&2; exit 3"]);
    expect(result).toStrictEqual({ exitCode: 3, stdout: "out\n", stderr: "err\n" });
  });

  it("should give the command stdin, and EOF when there is none", async () => {
    expect(await running().exec(["cat"], { input: "hello\nworld\n" })).toStrictEqual({
      exitCode: 0,
      stdout: "hello\nworld\n",
      stderr: "",
    });
    expect(await running().exec(["cat"], { timeoutMs: 5_000 })).toStrictEqual({ exitCode: 0, stdout: "", stderr: "" });
  });

  it("should work as a bare command prefix with the reduced environment mc's runner gives", async () => {
    const [program = "", ...rest] = [...running().prefix, "systemctl", "show", "mc-demo.service", "-p", "ActiveState"];
    const result = await execa(program, rest, {
      env: { PATH: "/usr/bin:/bin", LANG: "C.UTF-8", LC_ALL: "C.UTF-8" },
      extendEnv: false,
      stdin: "ignore",
      reject: false,
    });
    expect({ exitCode: result.exitCode, stdout: result.stdout }).toStrictEqual({
      exitCode: 0,
      stdout: "ActiveState=active",
    });
  });

  it("should run as root inside, and as mctest with --user", async () => {
    expect((await running().exec(["id", "-un"])).stdout).toBe("root\n");
    expect((await running().exec(["id", "-un"], { user: true })).stdout).toBe("mctest\n");
    expect((await running().exec(["hostname"])).stdout).toBe(`${running().machine}\n`);
  });

  it("should show the system fixtures in their states", async () => {
    expect(await show("mc-demo.service", "ActiveState,CanReload")).toStrictEqual({
      exitCode: 0,
      stdout: "ActiveState=active\nCanReload=no\n",
    });
    expect(await show("mc-reload.service", "ActiveState,CanReload")).toStrictEqual({
      exitCode: 0,
      stdout: "ActiveState=active\nCanReload=yes\n",
    });
    expect(await show("mc-logger.service", "ActiveState")).toStrictEqual({ exitCode: 0, stdout: "ActiveState=active\n" });
    expect(await show("mc-broken.service", "ActiveState")).toStrictEqual({ exitCode: 0, stdout: "ActiveState=failed\n" });
    const failed = await running().exec(["systemctl", "list-units", "--state=failed", "--no-legend", "--plain", "--no-pager"]);
    expect(failed.stdout).toMatch(/^mc-broken\.service /m);
  });

  it("should reload mc-reload.service and refuse to reload mc-demo.service", async () => {
    const reload = ["reload", "--no-pager", "--no-ask-password"];
    expect((await running().exec(["systemctl", ...reload, "mc-reload.service"])).exitCode).toBe(0);
    const refused = await running().exec(["systemctl", ...reload, "mc-demo.service"]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/not applicable/);
  });

  it("should reach root's user manager with systemctl --user", async () => {
    expect(await show("mc-user-demo.service", "ActiveState", { userScope: true })).toStrictEqual({
      exitCode: 0,
      stdout: "ActiveState=active\n",
    });
    expect(await show("mc-user-broken.service", "ActiveState", { userScope: true })).toStrictEqual({
      exitCode: 0,
      stdout: "ActiveState=failed\n",
    });
  });

  it("should reach mctest's user manager with --user", async () => {
    const options = { user: true, userScope: true };
    expect(await show("mc-user-demo.service", "ActiveState,CanReload", options)).toStrictEqual({
      exitCode: 0,
      stdout: "ActiveState=active\nCanReload=yes\n",
    });
    expect(await show("mc-user-broken.service", "ActiveState", options)).toStrictEqual({
      exitCode: 0,
      stdout: "ActiveState=failed\n",
    });
    const reload = await running().exec(["systemctl", "--user", "reload", "--no-pager", "mc-user-demo.service"], {
      user: true,
    });
    expect(reload.exitCode).toBe(0);
  });

  it("should see new mc-logger lines arrive in the journal", async () => {
    const lastTick = async () => {
      const { stdout } = await running().exec(["journalctl", "-q", "--no-pager", "-u", "mc-logger.service", "-n", "1", "-o", "cat"]);
      return Number(/^mc-logger tick (\d+)$/m.exec(stdout)?.[1] ?? Number.NaN);
    };
    const first = await waitFor(
      async () => {
        const tick = await lastTick();
        return Number.isNaN(tick) ? undefined : tick;
      },
      { timeoutMs: 5_000, description: "a first mc-logger line" },
    );
    const later = await waitFor(
      async () => {
        const tick = await lastTick();
        return tick > first ? tick : undefined;
      },
      { timeoutMs: 10_000, description: "a newer mc-logger line" },
    );
    expect(later).toBeGreaterThan(first);
  });

  it("should end the command inside when exec.sh is killed", async () => {
    const marker = `${3_000 + Math.floor(Math.random() * 1_000)}.5`;
    const child = execa(harnessScripts.exec, ["sleep", marker], { reject: false, stdin: "ignore" });
    const findSleep = async () => (await running().exec(["pgrep", "-f", `^sleep ${marker}$`])).exitCode === 0;
    await waitFor(findSleep, { timeoutMs: 5_000, description: "the sleep inside" });
    // SIGKILL to exec.sh (now nsenter) alone: only the parent-death signal can end the command.
    child.kill("SIGKILL");
    await child;
    await waitFor(async () => !(await findSleep()), { timeoutMs: 5_000, description: "the sleep inside to end" });
  });

  it("should make files in the share directory visible inside at the same path", async () => {
    const file = join(running().sharePath, `mc-share-${process.pid}.service`);
    await writeFile(file, "[Unit]\nDescription=shared\n[Service]\nExecStart=/bin/true\n");
    onTestFinished(() => rm(file, { force: true }));
    expect((await running().exec(["cat", file])).stdout).toMatch(/Description=shared/);
    expect((await running().exec(["systemd-analyze", "verify", file])).exitCode).toBe(0);
  });
});
