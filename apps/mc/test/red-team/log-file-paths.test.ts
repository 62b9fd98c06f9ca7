// Red team: read_log_file reads only files a policy [[log_targets]] entry allows. An
// agent names hostile paths — outside the roots, "..", symlinks and hard links out, names off the
// globs, control and bidi characters, special files — through the real runtime with a real
// policy file; a case breaks the guarantee when the call succeeds or the outside file's secret
// shows up anywhere in its result. With no [[log_targets]] (the default) nothing is readable,
// not even a path that would otherwise be fine. A symlink-swap race checks that the descriptor
// read is the file that was checked.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type Runtime } from "@mc/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attackClass } from "./attack-report.js";

const SWAPPER = `
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
a, b = os.fsencode(sys.argv[1]), os.fsencode(sys.argv[2])
print("swapping", flush=True)
while True:
    if libc.renameat2(-100, a, -100, b, 2) != 0:
        sys.exit("renameat2: errno %d" % ctypes.get_errno())
`;

const RACE_READS = 3_000;
const caller = { caller: { kind: "embedded" as const, name: "red-team-logs" } };

describe("read_log_file path rules through the runtime", () => {
  const escapes = attackClass("log file path escape (read_log_file)");
  const undeclared = attackClass("log file without [[log_targets]] (read_log_file)");
  const race = attackClass("symlink-swap race (read_log_file)");
  let dir: string;
  let logs: string;
  let secret: string;
  let runtime: Runtime;
  let bare: Runtime;

  beforeAll(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), "mc-red-logs-")));
    logs = join(dir, "logs");
    secret = `SECRET-${randomBytes(12).toString("hex")}`;
    mkdirSync(join(logs, "sub"), { recursive: true });
    mkdirSync(join(logs, "flip"));
    mkdirSync(join(logs, "dir.log"));
    mkdirSync(join(dir, "outside"));
    writeFileSync(join(logs, "app.log"), "started\nERROR one\nready\n");
    writeFileSync(join(logs, "flip", "x.log"), "inside\n");
    writeFileSync(join(logs, "sub", "deep.log"), "deep\n");
    writeFileSync(join(logs, "notes.txt"), "not a log\n");
    writeFileSync(join(logs, ".hidden.log"), `${secret}\n`);
    writeFileSync(join(dir, "outside", "secret.log"), `${secret}\n`);
    writeFileSync(join(dir, "outside", "x.log"), `${secret}\n`);
    symlinkSync(join(dir, "outside", "secret.log"), join(logs, "abs-link.log"));
    symlinkSync("../outside/secret.log", join(logs, "rel-link.log"));
    symlinkSync(join(dir, "outside"), join(logs, "outdir"));
    symlinkSync("/", join(logs, "rootlink"));
    symlinkSync("loop.log", join(logs, "loop.log"));
    symlinkSync(join(dir, "outside"), join(logs, "flip-link"));
    linkSync(join(dir, "outside", "secret.log"), join(logs, "hard.log"));
    const spawnFifo = spawn("mkfifo", [join(logs, "fifo.log")]);
    return new Promise<void>((resolve, reject) => {
      spawnFifo.once("error", reject);
      spawnFifo.once("exit", () => {
        writeFileSync(
          join(dir, "policy.toml"),
          [
            "version = 1",
            "[[log_targets]]",
            'name = "app_logs"',
            'description = "red team"',
            `roots = ["${logs}"]`,
            'file_globs = ["*.log", "flip/*.log", "flip-link/*.log"]',
            "",
          ].join("\n"),
        );
        runtime = createRuntime({ stateDir: join(dir, "state"), policyPath: join(dir, "policy.toml"), env: {} });
        // A policy that declares no [[log_targets]] (as the safe defaults declare none).
        writeFileSync(join(dir, "bare.toml"), "version = 1\n");
        bare = createRuntime({ stateDir: join(dir, "bare-state"), policyPath: join(dir, "bare.toml"), env: {} });
        resolve();
      });
    });
  });

  afterAll(async () => {
    await runtime?.close();
    await bare?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("should read an allowed log file, tail and grep, through the runtime", async () => {
    expect(runtime.policy().ok).toBe(true);
    const result = await runtime.call("read_log_file", { path: join(logs, "app.log"), grep: "ERROR" }, caller);
    expect(result).toMatchObject({ status: "ok", output: { path: join(logs, "app.log"), target: "app_logs", lines: ["ERROR one"], truncated: false } });
  });

  it("should refuse every hostile path and never return the outside file", async () => {
    const hostile: [string, Record<string, unknown>][] = [
      ["outside the root", { path: join(dir, "outside", "secret.log") }],
      ["/etc/shadow", { path: "/etc/shadow" }],
      ["/etc/passwd", { path: "/etc/passwd" }],
      ["/proc/self/environ", { path: "/proc/self/environ" }],
      ["/proc/1/cmdline", { path: "/proc/1/cmdline" }],
      ["/dev/zero", { path: "/dev/zero" }],
      ["a .. escape", { path: `${logs}/../outside/secret.log` }],
      ["a .. that stays inside", { path: `${logs}/sub/../app.log` }],
      ["a trailing ..", { path: `${logs}/..` }],
      ["an absolute symlink out", { path: join(logs, "abs-link.log") }],
      ["a relative symlink out", { path: join(logs, "rel-link.log") }],
      ["a directory symlink out", { path: join(logs, "outdir", "secret.log") }],
      ["a symlink to /", { path: join(logs, "rootlink", "etc", "shadow") }],
      ["a symlink loop", { path: join(logs, "loop.log") }],
      ["a hard link to an outside file", { path: join(logs, "hard.log") }],
      ["a hidden file", { path: join(logs, ".hidden.log") }],
      ["a name off the globs", { path: join(logs, "notes.txt") }],
      ["a wildcard crossing /", { path: join(logs, "sub", "deep.log") }],
      ["a directory", { path: join(logs, "dir.log") }],
      ["a FIFO", { path: join(logs, "fifo.log") }],
      ["a relative path", { path: "logs/app.log" }],
      ["an empty path", { path: "" }],
      ["a NUL byte", { path: `${logs}/app.log\u0000.txt` }],
      ["a newline", { path: `${logs}/app\n.log` }],
      ["an escape sequence", { path: `${logs}/\u001b[31mapp.log` }],
      ["a right-to-left override", { path: `${logs}/\u202Egol.ppa` }],
      ["a C1 control", { path: `${logs}/app\u0085.log` }],
      ["an unpaired surrogate", { path: `${logs}/app\ud800.log` }],
      ["a path over PATH_MAX", { path: `/${"a/".repeat(2100)}x.log` }],
      ["lines 0", { path: join(logs, "app.log"), lines: 0 }],
      ["lines 1001", { path: join(logs, "app.log"), lines: 1001 }],
      ["lines as a string", { path: join(logs, "app.log"), lines: "5" }],
      ["grep with a newline", { path: join(logs, "app.log"), grep: "a\nb" }],
      ["grep of 257 characters", { path: join(logs, "app.log"), grep: "x".repeat(257) }],
      ["an unknown argument", { path: join(logs, "app.log"), follow: true }],
      ["a target override", { path: join(dir, "outside", "secret.log"), target: "app_logs" }],
    ];
    for (const [name, args] of hostile) {
      const result = await runtime.call("read_log_file", args, caller);
      const text = JSON.stringify(result);
      const broke = result.status === "ok" || text.includes(secret);
      escapes.record(broke, broke ? `${name}: ${text.slice(0, 200)}` : undefined);
      expect(["denied", "error"], name).toContain(result.status);
    }
    expect(escapes.failures).toStrictEqual([]);
  });

  it("should refuse every read, with the reason, when the policy declares no log targets", async () => {
    for (const path of [join(logs, "app.log"), join(logs, "flip", "x.log"), "/var/log/syslog", join(dir, "outside", "secret.log")]) {
      const result = await bare.call("read_log_file", { path }, caller);
      const broke = result.status !== "denied" || !/no log targets are declared/.test(result.reason);
      undeclared.record(broke, broke ? `${path}: ${JSON.stringify(result).slice(0, 200)}` : undefined);
    }
    expect(undeclared.failures).toStrictEqual([]);
  });

  it(`should never return the outside file in ${RACE_READS} reads while a directory is swapped for a symlink`, async () => {
    const swapper: ChildProcess = spawn("python3", ["-c", SWAPPER, join(logs, "flip"), join(logs, "flip-link")], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      await new Promise<void>((resolve, reject) => {
        swapper.once("error", reject);
        swapper.once("exit", (code) => reject(new Error(`swapper exited early (${code})`)));
        swapper.stdout?.once("data", () => resolve());
      });
      let ok = 0;
      for (let index = 0; index < RACE_READS; index += 1) {
        const result = await runtime.call("read_log_file", { path: join(logs, "flip", "x.log") }, caller);
        const leaked = JSON.stringify(result).includes(secret);
        race.record(leaked, leaked ? `read ${index}: ${JSON.stringify(result).slice(0, 200)}` : undefined);
        if (result.status === "ok") {
          ok += 1;
          expect(result.output.lines).toStrictEqual(["inside"]);
        }
      }
      expect(race.failures).toStrictEqual([]);
      expect(ok).toBeGreaterThan(0);
    } finally {
      swapper.removeAllListeners("exit");
      if (swapper.exitCode === null) {
        const exited = new Promise((resolve) => swapper.once("exit", resolve));
        swapper.kill("SIGKILL");
        await exited;
      }
    }
  }, 120_000);
});
