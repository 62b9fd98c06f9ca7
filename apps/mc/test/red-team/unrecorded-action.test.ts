// Red team: no action runs unrecorded. An action's `started` audit event is
// written durably (in the same transaction as the approval's claim) BEFORE it starts; if that
// write fails, nothing starts. Two attacks on it, each against the real `mc` bin:
//   - kill -9 mid-action: `mc tool restart_service` on a harness unit whose ExecStop sleeps, killed
//     at several moments (before start-up ends, while systemd stops the unit). A case breaks when
//     the unit was touched (new InvocationID or not active) with no `started` event, when a new
//     process's recovery leaves the approval executing or writes no `recovered` event, or when
//     `mc audit verify` fails;
//   - full disk: the state dir on a small tmpfs filled to within N bytes of full, then an approved
//     config write through `mc tool`. A case breaks when the file changed without a durable
//     `started` event, or when the chain no longer verifies once space is back.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRuntime } from "@mc/runtime";
import { harnessForTests } from "@mc/systemd-harness";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { childEnv, MC_BIN, runMc, tempDir } from "../clients/support.js";
import { attackClass } from "./attack-report.js";

const harness = await harnessForTests();
const killTally = attackClass("kill -9 mid-action (unrecorded action)");
const diskTally = attackClass("full disk before an action (unrecorded action)");
const isRoot = process.getuid?.() === 0;
const caller = { caller: { kind: "cli" as const, name: "red-team-unrecorded" } };

interface StoredEvent {
  approvalId: string | null;
  decision: string;
  outcome: string;
  error: string | null;
}

/** The audit events of one approval, oldest first, read by a fresh in-process store. */
async function eventsOf(stateDir: string, approvalId: string, env: Record<string, string | undefined> = {}): Promise<StoredEvent[]> {
  const runtime = createRuntime({ stateDir, env });
  try {
    const events = await runtime.audit.list({ limit: 10_000 });
    return events.filter((event) => event.approvalId === approvalId).reverse();
  } finally {
    await runtime.close();
  }
}

describe.skipIf(!harness.available)("kill -9 of mc in the middle of an approved restart", () => {
  const units: string[] = [];
  afterAll(async () => {
    if (!harness.available) return;
    for (const unit of units) {
      // A restart the killed mc left queued starts the unit again after a kill, and a stop then runs
      // its slow ExecStop: kill and stop until no job is left and the unit is down.
      for (let attempt = 0; attempt < 100; attempt += 1) {
        await harness.exec(["systemctl", "kill", "--signal=SIGKILL", unit]);
        await harness.exec(["systemctl", "stop", "--no-block", unit]);
        const state = (await harness.exec(["systemctl", "show", unit, "-p", "ActiveState", "--value"])).stdout.trim();
        const jobs = (await harness.exec(["systemctl", "list-jobs", "--no-legend", "--plain", "--", unit])).stdout.trim();
        if (jobs === "" && (state === "inactive" || state === "failed")) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await harness.exec(["rm", "-f", `/run/systemd/system/${unit}`]);
    }
    await harness.exec(["systemctl", "daemon-reload"]);
    // A killed unit stays listed as failed (failed_services, list_units) until reset, even once its
    // file is gone: other tests count the container's failed units.
    if (units.length > 0) await harness.exec(["systemctl", "reset-failed", ...units]);
  });

  // When to kill: after a delay from spawn (ms), or once systemd is stopping the unit.
  const moments: (number | "stopping")[] = [0, 150, 400, 800, "stopping", "stopping", "stopping"];

  it("should have a started event for every action that touched the unit, and audit its recovery", async () => {
    if (!harness.available) return;
    const box = tempDir("mc-red-kill-");
    const stateDir = join(box, "state");
    const policyPath = join(box, "policy.toml");
    writeFileSync(policyPath, 'version = 1\n\n[tools.restart_service]\nservice_patterns = ["mc-h2-slow-*.service"]\n');
    const env = { MC_STATE_DIR: stateDir, MC_POLICY_PATH: policyPath, MC_COMMAND_PREFIX: JSON.stringify(harness.prefix) };
    const show = async (unit: string) => {
      const shown = await harness.exec(["systemctl", "show", unit, "-p", "InvocationID", "-p", "ActiveState"]);
      return Object.fromEntries(
        shown.stdout
          .trim()
          .split("\n")
          .map((line) => line.split("=", 2) as [string, string]),
      );
    };

    const kills: string[] = [];
    for (const [index, moment] of moments.entries()) {
      const unit = `mc-h2-slow-${process.pid}-${index}.service`;
      units.push(unit);
      const unitFile = "[Service]\nExecStart=/bin/sleep infinity\nExecStop=/bin/sleep 20\nTimeoutStopSec=60\n";
      await harness.exec(["tee", `/run/systemd/system/${unit}`], { input: unitFile });
      await harness.exec(["systemctl", "daemon-reload"]);
      expect((await harness.exec(["systemctl", "start", unit])).exitCode).toBe(0);
      const before = await show(unit);

      // Ask and approve in this process; the approved call runs in the `mc` child.
      const runtime = createRuntime({ stateDir, policyPath, commandPrefix: harness.prefix, env: {} });
      const pending = await runtime.call("restart_service", { unit }, caller);
      if (pending.status !== "approval_required") throw new Error(`expected approval_required: ${JSON.stringify(pending)}`);
      await runtime.approvals.approve(pending.approval_id, { by: "red-team", method: "embedded" });
      await runtime.close();

      const child = spawn(
        process.execPath,
        [MC_BIN, "tool", "restart_service", "--json", "--json-args", JSON.stringify({ unit, approval_id: pending.approval_id })],
        {
          env: childEnv(env),
          stdio: ["ignore", "ignore", "ignore"],
        },
      );
      const exited = new Promise((resolve) => child.once("exit", resolve));
      if (moment === "stopping") {
        const deadline = Date.now() + 20_000;
        while ((await show(unit)).ActiveState !== "deactivating") {
          if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${unit} never started stopping`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } else {
        await new Promise((resolve) => setTimeout(resolve, moment));
      }
      child.kill("SIGKILL");
      await exited;
      // A moment for a systemctl the child had already started to reach systemd.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const after = await show(unit);
      const touched = after.InvocationID !== before.InvocationID || after.ActiveState !== "active";

      // A new process: `mc audit verify` opens the store (recovering the dead execution) and checks the chain.
      const verify = await runMc(["audit", "verify", "--json"], childEnv(env));
      const events = await eventsOf(stateDir, pending.approval_id);
      const outcomes = events.map((event) => `${event.decision}/${event.outcome}`);
      const started = outcomes.includes("allowed/started");
      const recovered = events.some((event) => event.decision === "recovered" && event.error === "interrupted");
      const inspector = createRuntime({ stateDir, env: {} });
      const status = (await inspector.approvals.get(pending.approval_id))?.status;
      await inspector.close();

      const problems = [
        touched && !started ? "the unit was touched with no started event" : "",
        started && !recovered && status === "failed" ? "recovered without an audited recovery event" : "",
        status === "executing" ? "still executing after recovery" : "",
        started && status === "approved" ? "a started event for an unclaimed approval" : "",
        verify.exitCode === 0 ? "" : `mc audit verify failed: ${verify.stdout}${verify.stderr}`,
      ].filter((problem) => problem !== "");
      kills.push(`${String(moment)}:${touched ? "touched" : "untouched"}/${status}`);
      killTally.record(
        problems.length > 0,
        `kill at ${String(moment)}: ${problems.join("; ")} (${outcomes.join(" → ")}, touched=${touched}, status=${status})`,
      );
      if (moment === "stopping") {
        // Killed while systemd was stopping the unit: it did run, so it must be recorded.
        expect(started && recovered && status === "failed").toBe(true);
      }
    }
    console.log(`[red-team] kill -9: moment → unit/approval: ${kills.join(" ")}`);
    expect(killTally.failures).toStrictEqual([]);
  }, 240_000);
});

describe.skipIf(!isRoot)("a nearly full disk under the state dir", () => {
  // Free bytes left on the state dir's filesystem before each approved write.
  const freeBytes = [0, 1024, 4096, 8192, 12_288, 16_384, 24_576, 32_768, 49_152, 65_536, 98_304, 131_072, 262_144];

  it("should either have each action's started event durable or not run it, keeping the chain valid", async () => {
    const box = tempDir("mc-red-disk-", false);
    const stateDir = join(box, "state");
    mkdirSync(stateDir);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", stateDir]);
    // Unmounted before the temp dir goes (the dir cannot be removed while mounted).
    onTestFinished(() => {
      try {
        execFileSync("umount", [stateDir]);
      } catch {
        execFileSync("umount", ["-l", stateDir]);
      }
      rmSync(box, { recursive: true, force: true });
    });
    // The config files live off the tmpfs, so a write could succeed even when the journal cannot.
    const configs = join(box, "configs");
    mkdirSync(configs);
    const policyPath = join(box, "policy.toml");
    writeFileSync(
      policyPath,
      `version = 1\n\n[[config_targets]]\nname = "app"\ndescription = "red team"\nroots = [${JSON.stringify(configs)}]\nfile_globs = ["*.ini"]\nvalidator = "ini_parse"\n`,
    );
    const env = { MC_STATE_DIR: stateDir, MC_POLICY_PATH: policyPath };

    // Every request asked and approved while there is room.
    const runtime = createRuntime({ stateDir, policyPath, env: {} });
    const cases: { path: string; approvalId: string; original: string; content: string; free: number }[] = [];
    for (const [index, free] of freeBytes.entries()) {
      const path = join(configs, `case-${index}.ini`);
      const original = `[case]\nvalue = original-${index}\n`;
      writeFileSync(path, original);
      const content = `[case]\nvalue = changed-${index}\n`;
      const pending = await runtime.call("write_config_file", { path, content }, caller);
      if (pending.status !== "approval_required") throw new Error(`expected approval_required: ${JSON.stringify(pending)}`);
      await runtime.approvals.approve(pending.approval_id, { by: "red-team", method: "embedded" });
      cases.push({ path, approvalId: pending.approval_id, original, content, free });
    }
    await runtime.close();

    const filler = join(stateDir, "filler");
    const seen: string[] = [];
    for (const testCase of cases) {
      // Fill the tmpfs to within `free` bytes of full (tmpfs counts whole pages).
      rmSync(filler, { force: true });
      const stats = statfsSync(stateDir);
      const available = stats.bavail * stats.bsize;
      writeFileSync(filler, Buffer.alloc(Math.max(0, available - testCase.free)));
      const result = await runMc(
        [
          "tool",
          "write_config_file",
          "--json",
          "--json-args",
          JSON.stringify({ path: testCase.path, content: testCase.content, approval_id: testCase.approvalId }),
        ],
        childEnv(env),
      );
      rmSync(filler, { force: true });

      const changed = readFileSync(testCase.path, "utf8") !== testCase.original;
      const events = await eventsOf(stateDir, testCase.approvalId);
      const started = events.some((event) => event.outcome === "started");
      const problems = [
        changed && !started ? "the file changed with no started event" : "",
        result.exitCode === 0 && !changed ? "reported ok but the file is unchanged" : "",
      ].filter((problem) => problem !== "");
      seen.push(`${testCase.free}:${changed ? "ran" : "refused"}`);
      diskTally.record(
        problems.length > 0,
        `${testCase.free} bytes free: ${problems.join("; ")} (exit ${result.exitCode}, ${createHash("sha256").update(result.stdout).digest("hex").slice(0, 8)})`,
      );
    }

    // With room again, the whole chain verifies (a new process; it also recovers anything left executing).
    const verify = await runMc(["audit", "verify", "--json"], childEnv(env));
    diskTally.record(verify.exitCode !== 0, `mc audit verify after the full-disk runs: ${verify.stdout}${verify.stderr}`);
    console.log(`[red-team] full disk: bytes free → outcome: ${seen.join(" ")}`);
    expect(diskTally.failures).toStrictEqual([]);
    // Not vacuous: the fullest disks refused, the emptier ones ran.
    expect(seen.some((entry) => entry.endsWith("refused"))).toBe(true);
    expect(seen.some((entry) => entry.endsWith("ran"))).toBe(true);
  }, 240_000);
});
