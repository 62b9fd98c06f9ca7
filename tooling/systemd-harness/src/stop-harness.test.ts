import { existsSync, readFileSync } from "node:fs";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { harnessForTests } from "./harness-for-tests.js";
import { harnessScripts } from "./harness-scripts.js";
import { startHarness } from "./start-harness.js";
import { stopHarness } from "./stop-harness.js";

// A machine of its own: the shared "mcproject" harness is used by other test files meanwhile.
const machine = "mcharnesstest";
const harness = await harnessForTests();

function sameProcess(pid: string | undefined, start: string | undefined): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[19] === start;
  } catch {
    return false;
  }
}

describe.skipIf(!harness.available)("stopHarness", () => {
  it("should stop a second harness completely, and up.sh should boot it again", async () => {
    onTestFinished(() => stopHarness({ machine }));
    const first = await startHarness({ machine });
    if (!first.available) throw new Error(first.reason);
    const stateDir = `/tmp/mc-harness-${machine}`;
    expect(first.prefix).toStrictEqual([harnessScripts.exec, `--state=${stateDir}`]);
    expect((await first.exec(["hostname"])).stdout).toBe(`${machine}\n`);
    expect(sameProcess(first.env.MC_HARNESS_NSPAWN_PID, first.env.MC_HARNESS_NSPAWN_START)).toBe(true);

    await stopHarness({ machine });
    expect(sameProcess(first.env.MC_HARNESS_NSPAWN_PID, first.env.MC_HARNESS_NSPAWN_START)).toBe(false);
    expect(sameProcess(first.env.MC_HARNESS_LEADER, first.env.MC_HARNESS_LEADER_START)).toBe(false);
    expect(existsSync(stateDir)).toBe(false);
    const afterDown = await execa(first.prefix[0] ?? "", [...first.prefix.slice(1), "true"], { reject: false, stdin: "ignore" });
    expect(afterDown.exitCode).toBe(125);
    await expect(stopHarness({ machine })).resolves.toBeUndefined();

    const second = await startHarness({ machine });
    if (!second.available) throw new Error(second.reason);
    expect(second.env.MC_HARNESS_LEADER).not.toBe(first.env.MC_HARNESS_LEADER);
    expect(await second.exec(["systemctl", "is-active", "mc-demo.service"])).toStrictEqual({
      exitCode: 0,
      stdout: "active\n",
      stderr: "",
    });
    // The shared harness was not touched.
    if (harness.available) expect((await harness.exec(["hostname"])).stdout).toBe(`${harness.machine}\n`);
  }, 180_000);
});

describe.skipIf(!harness.available)("up.sh and exec.sh without root", () => {
  it("should exit 77 with the reason on stderr", async () => {
    const result = await execa("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", harnessScripts.up], {
      reject: false,
      stdin: "ignore",
      env: { MC_HARNESS_MACHINE: "mcnobody", MC_HARNESS_STATE: "/nonexistent/mc-harness" },
    });
    expect(result.exitCode).toBe(77);
    expect(result.stderr).toMatch(/needs root/);
    expect(result.stdout).toBe("");
  });
});
