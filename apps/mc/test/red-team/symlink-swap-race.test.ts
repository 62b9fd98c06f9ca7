// Red team: "no read outside a root" under a symlink-swap race. A local
// user who can write inside a config root keeps exchanging a directory inside it with a symlink
// to a directory outside (renameat2(RENAME_EXCHANGE), atomically, in a tight loop) while an agent
// reads the file through the real runtime. Before the fix about one read in eight returned the
// outside file. Every call here is one case: it breaks the guarantee when the outside file's
// content shows up anywhere in its result (content, diff, message). Refusals are fine.
import { type ChildProcess, spawn } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { createRuntime, type Runtime } from "@mc/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attackClass } from "./attack-report.js";

const SWAPPER = `
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD = -100
RENAME_EXCHANGE = 2
a, b = os.fsencode(sys.argv[1]), os.fsencode(sys.argv[2])
print("swapping", flush=True)
while True:
    if libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) != 0:
        sys.exit("renameat2: errno %d" % ctypes.get_errno())
`;

const READS = 10_000;
const DRY_RUNS = 1_500;
const RESTORES = 100;

describe("symlink-swap race against read_config_file and write_config_file dry runs", () => {
  const reads = attackClass("symlink-swap race (read_config_file)");
  const diffs = attackClass("symlink-swap race (write_config_file dry-run diff)");
  const restores = attackClass("symlink-swap race (restore_config_backup)");
  const caller = { caller: { kind: "embedded" as const, name: "red-team-swap" } };
  let dir: string;
  let root: string;
  let runtime: Runtime;
  let swapper: ChildProcess;
  let secret: string;

  beforeAll(async () => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), "mc-red-swap-")));
    root = join(dir, "root");
    secret = `SECRET-${randomBytes(12).toString("hex")}`;
    // Inside: root/flip/x.ini. Outside: outside/x.ini holding the secret. root/flip-link is a
    // symlink to outside; the swapper exchanges the names "flip" and "flip-link" forever.
    mkdirSync(join(root, "flip"), { recursive: true });
    mkdirSync(join(dir, "outside"));
    writeFileSync(join(root, "flip", "x.ini"), "inside = 1\n");
    writeFileSync(join(dir, "outside", "x.ini"), `stolen = ${secret}\n`);
    symlinkSync(join(dir, "outside"), join(root, "flip-link"));
    writeFileSync(
      join(dir, "policy.toml"),
      [
        "version = 1",
        "[tools.read_config_file]",
        "enabled = true",
        "[tools.write_config_file]",
        "enabled = true",
        "[tools.restore_config_backup]",
        "enabled = true",
        "[[config_targets]]",
        'name = "app"',
        `roots = ["${root}"]`,
        'file_globs = ["flip/*.ini", "flip-link/*.ini"]',
        'validator = "ini_parse"',
        "",
      ].join("\n"),
    );
    runtime = createRuntime({ stateDir: join(dir, "state"), policyPath: join(dir, "policy.toml"), env: {} });
    swapper = spawn("python3", ["-c", SWAPPER, join(root, "flip"), join(root, "flip-link")], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      swapper.once("error", reject);
      swapper.once("exit", (code) => reject(new Error(`swapper exited early (${code})`)));
      swapper.stdout?.once("data", () => resolve());
    });
  });

  afterAll(async () => {
    swapper?.removeAllListeners("exit");
    if (swapper?.exitCode === null) {
      const exited = new Promise((resolve) => swapper.once("exit", resolve));
      swapper.kill("SIGKILL");
      await exited;
    }
    await runtime?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Runs `work` while the swapper is stopped (SIGSTOP) with root/flip being the inside directory,
   * then lets the swapper go on. Each exchange is atomic, so a stopped swapper leaves one state or
   * the other; in the outside state it is let run a moment and stopped again.
   */
  async function whileSwapperStoppedInside<T>(work: () => Promise<T>): Promise<T> {
    const pid = swapper.pid ?? 0;
    const stopped = () => /^\S+ \(.*\) T /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
    for (let attempt = 0; attempt < 1_000; attempt += 1) {
      process.kill(pid, "SIGSTOP");
      while (!stopped()) await new Promise((resolve) => setTimeout(resolve, 1));
      try {
        if (lstatSync(join(root, "flip")).isDirectory()) return await work();
      } finally {
        process.kill(pid, "SIGCONT");
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    throw new Error("the swapper never stopped with root/flip inside");
  }

  it("should have a live race: the policy loads and a plain read of the path does reach the outside file", () => {
    expect(runtime.policy().ok).toBe(true);
    // What the tool must not do: a naive read of the checked path lands outside some of the time.
    let outside = 0;
    for (let index = 0; index < 2_000 && outside === 0; index += 1) {
      try {
        if (readFileSync(join(root, "flip", "x.ini"), "utf8").includes(secret)) outside += 1;
      } catch {
        // The directory was mid-swap.
      }
    }
    expect(outside).toBeGreaterThan(0);
  });

  it(`should never return the outside file in ${READS} read_config_file calls`, async () => {
    let ok = 0;
    const outcomes: Record<string, number> = {};
    for (let index = 0; index < READS; index += 1) {
      const result = await runtime.call("read_config_file", { path: join(root, "flip", "x.ini") }, caller);
      const leaked = JSON.stringify(result).includes(secret);
      reads.record(leaked, leaked ? `read ${index}: ${JSON.stringify(result).slice(0, 200)}` : undefined);
      if (result.status === "ok") {
        ok += 1;
        expect(result.output.content).toBe("inside = 1\n");
      } else {
        outcomes[result.status] = (outcomes[result.status] ?? 0) + 1;
      }
    }
    // Refusals are fine, but only as refusals: a denied path rule or a failed read, never a crash.
    expect(Object.keys(outcomes).filter((status) => status !== "denied" && status !== "error")).toStrictEqual([]);
    expect(reads.failures).toStrictEqual([]);
    // Not everything may be refused: the inside file is still readable between swaps.
    expect(ok).toBeGreaterThan(0);
  }, 120_000);

  it(`should never diff against the outside file in ${DRY_RUNS} write_config_file dry runs`, async () => {
    let ok = 0;
    for (let index = 0; index < DRY_RUNS; index += 1) {
      const result = await runtime.call("write_config_file", { path: join(root, "flip", "x.ini"), content: `inside = ${index + 2}\n`, dry_run: true }, caller);
      const leaked = JSON.stringify(result).includes(secret);
      diffs.record(leaked, leaked ? `dry run ${index}: ${JSON.stringify(result).slice(0, 200)}` : undefined);
      if (result.status === "ok") {
        ok += 1;
        expect(result.output.diff).toContain("-inside = 1\n");
      }
    }
    expect(diffs.failures).toStrictEqual([]);
    expect(ok).toBeGreaterThan(0);
    // Nothing was written anywhere: the inside file and the outside file are as they were.
    expect(readFileSync(join(dir, "outside", "x.ini"), "utf8")).toBe(`stolen = ${secret}\n`);
  }, 120_000);

  it(`should never diff against or back up the outside file in ${RESTORES} restore_config_backup calls`, async () => {
    const operator = { ...caller, approvedBy: "red-team-operator" };
    // A backup of the inside file to restore: one approved write, made while the swapper is
    // stopped with "flip" the inside directory (setup, not a case: under load a write, which
    // resolves and opens several files, could meet a swap in a thousand tries in a row).
    const written = await whileSwapperStoppedInside(() =>
      runtime.call("write_config_file", { path: join(root, "flip", "x.ini"), content: "inside = 2\n" }, operator),
    );
    const backupId = written.status === "ok" ? (written.output.backup_id as string | undefined) : undefined;
    expect(backupId, JSON.stringify(written).slice(0, 300)).toBeDefined();
    let ok = 0;
    // At least RESTORES calls; on a loaded machine every one of them may meet a swap (a restore
    // resolves and opens two files), so go on, as long as none has run yet, up to ten times as
    // many: every extra call is one more attack case.
    for (let index = 0; index < RESTORES || (ok === 0 && index < RESTORES * 10); index += 1) {
      const result = await runtime.call("restore_config_backup", { path: join(root, "flip", "x.ini"), backup_id: backupId }, operator);
      const leaked = JSON.stringify(result).includes(secret);
      restores.record(leaked, leaked ? `restore ${index}: ${JSON.stringify(result).slice(0, 200)}` : undefined);
      if (result.status === "ok") ok += 1;
    }
    console.log(`[red-team] restore_config_backup during the swaps: ${ok} of the calls got through, the rest refused`);
    // No backup taken during the race holds the outside file, and the outside file is untouched.
    const backups = join(dir, "state", "config-backups", "app");
    const stolen = readdirSync(backups).filter((name) => readFileSync(join(backups, name), "utf8").includes(secret));
    restores.record(stolen.length > 0, `backups holding the outside file: ${stolen.join(", ")}`);
    expect(restores.failures).toStrictEqual([]);
    // The refusals are the race's doing, not a broken restore: with the swapper stopped inside,
    // the same restore runs, whether or not one got through the race above.
    const calm = await whileSwapperStoppedInside(() =>
      runtime.call("restore_config_backup", { path: join(root, "flip", "x.ini"), backup_id: backupId }, operator),
    );
    expect(calm.status, JSON.stringify(calm).slice(0, 300)).toBe("ok");
    expect(JSON.stringify(calm)).not.toContain(secret);
    expect(readFileSync(join(dir, "outside", "x.ini"), "utf8")).toBe(`stolen = ${secret}\n`);
  }, 300_000);
});
