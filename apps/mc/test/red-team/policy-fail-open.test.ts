// Red team: "no policy that fails open or hangs".
// (a) A policy that disables memory_usage in its LAST lines is rewritten in place (truncate, then
//     write) in a loop by another process while an agent calls memory_usage through the real
//     runtime. Before the fix a torn file (the first half, which loads and leaves the tool enabled)
//     was adopted: ~600 runs in 4,000 calls. Every call is a case; it breaks the guarantee when the
//     tool ran (status "ok").
// (b) An explicitly named policy path that is no loadable regular file: every tool must be denied
//     and `mc doctor` must exit 1, each command under a timeout so a hang fails the case.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { createRuntime, type Runtime } from "@mc/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attackClass } from "./attack-report.js";
import { childEnv, MC_BIN, run, tempDir } from "../clients/support.js";

const CALLS = 5_000;
/** Rewrite rounds the calls are spread over (3 of each way of writing): calls wait for the rewriter, however fast they are. */
const ROUNDS = 9;

/** The policy: loads at every line boundary of its first half, and disables memory_usage only at the end. */
const POLICY = [
  "version = 1",
  ...Array.from({ length: 40 }, (_, index) => `# padding line ${index}: a long comment so a rewrite takes many small writes`),
  "[tools.system_info]",
  "enabled = true",
  "[tools.memory_usage]",
  "enabled = false",
  "",
].join("\n");

// Rewrites the policy in place forever, cycling through three ways of writing it.
const REWRITER = `
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
const [path, text] = [process.argv[2], Buffer.from(process.argv[3])];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const counts = { chunks: 0, half_pause: 0, fsync: 0 };
process.on("SIGTERM", () => { process.stdout.write(JSON.stringify(counts) + "\\n", () => process.exit(0)); });
for (let round = 0; ; round += 1) {
  const variant = ["chunks", "half_pause", "fsync"][round % 3];
  const fd = openSync(path, "w");
  if (variant === "half_pause") {
    const half = Math.floor(text.length / 2);
    writeSync(fd, text, 0, half);
    await sleep(1500);
    writeSync(fd, text, half, text.length - half);
  } else {
    for (let offset = 0; offset < text.length; offset += 16) {
      writeSync(fd, text, offset, Math.min(16, text.length - offset));
      if (variant === "fsync") fsyncSync(fd);
      await sleep(offset % 64 === 0 ? 1 : 0);
    }
  }
  closeSync(fd);
  counts[variant] += 1;
  process.stdout.write("round\\n");
  await sleep(round % 5);
}
`;

describe("policy rewritten in place while tools are called", () => {
  const torn = attackClass("torn policy rewrite (disabled tool ran)");
  let dir: string;
  let runtime: Runtime;
  let rewriter: ChildProcess;

  beforeAll(() => {
    dir = tempDir("mc-redteam-policy-", false);
    writeFileSync(join(dir, "policy.toml"), POLICY);
    runtime = createRuntime({ stateDir: join(dir, "state"), policyPath: join(dir, "policy.toml"), env: {} });
  });

  afterAll(async () => {
    if (rewriter?.exitCode === null) rewriter.kill("SIGKILL");
    await runtime?.close();
  });

  it(`should never run a tool the policy disables at its end, in ${CALLS} calls during in-place rewrites`, async () => {
    const caller = { caller: { kind: "embedded" as const, name: "red-team-policy" } };
    expect(await runtime.call("memory_usage", {}, caller)).toMatchObject({ status: "denied", code: "tool_disabled" });
    writeFileSync(join(dir, "rewriter.mjs"), REWRITER);
    rewriter = spawn(process.execPath, [join(dir, "rewriter.mjs"), join(dir, "policy.toml"), POLICY], { stdio: ["ignore", "pipe", "inherit"] });
    let counts = "";
    let rounds = 0;
    rewriter.stdout?.on("data", (chunk: Buffer) => {
      counts += chunk.toString();
      rounds = (counts.match(/^round$/gm) ?? []).length;
    });

    const statuses = new Map<string, number>();
    for (let call = 0; call < CALLS; call += 1) {
      // Spread the calls over the rewrites: call n waits for round ⌊(n+1)·ROUNDS/CALLS⌋ to be
      // written, so the last call waits for all ROUNDS (3 of each way), however fast calls are.
      while (rounds < Math.floor(((call + 1) * ROUNDS) / CALLS)) {
        if (rewriter.exitCode !== null) throw new Error(`the rewriter exited (${rewriter.exitCode}) after ${rounds} rounds`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const result = await runtime.call("memory_usage", {}, caller);
      const label = result.status === "denied" || result.status === "error" ? `${result.status}:${result.code}` : result.status;
      statuses.set(label, (statuses.get(label) ?? 0) + 1);
      torn.record(result.status === "ok", `call ${call}: memory_usage ran (${JSON.stringify(result).slice(0, 120)})`);
      // Let the rewriter's writes interleave with the calls.
      if (call % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const exited = new Promise((resolve) => rewriter.once("exit", resolve));
    rewriter.kill("SIGTERM");
    await exited;
    const rewrites = JSON.parse(counts.split("\n").findLast((line) => line.startsWith("{")) ?? "{}") as Record<string, number>;
    console.log(`[red-team] policy rewrites during the calls: ${JSON.stringify(rewrites)}; results: ${JSON.stringify(Object.fromEntries(statuses))}`);
    // The attack was real: every way of rewriting ran, several times each.
    expect(rewrites.chunks).toBeGreaterThan(2);
    expect(rewrites.half_pause).toBeGreaterThan(1);
    expect(rewrites.fsync).toBeGreaterThan(2);
    expect(torn.tried).toBe(CALLS);
    expect(torn.failures).toStrictEqual([]);
  });
});

describe("explicitly named policy paths that are no loadable file", () => {
  const kinds = attackClass("explicit policy path failure kinds (a tool allowed, doctor ok, or a hang)");
  let dir: string;
  let socketServer: Server;

  beforeAll(async () => {
    dir = tempDir("mc-redteam-policy-kinds-", false);
    writeFileSync(join(dir, "policy.toml"), "version = 1\n");
    mkdirSync(join(dir, "a-directory.toml"));
    symlinkSync(join(dir, "gone.toml"), join(dir, "dangling.toml"));
    symlinkSync("/dev/zero", join(dir, "zero.toml"));
    symlinkSync("/dev/urandom", join(dir, "urandom.toml"));
    writeFileSync(join(dir, "oversize.toml"), `version = 1\n#${"x".repeat(1024 * 1024)}\n`);
    writeFileSync(join(dir, "unreadable.toml"), "version = 1\n[tools.memory_usage]\nenabled = false\n");
    chmodSync(join(dir, "unreadable.toml"), 0o000);
    await run("mkfifo", [join(dir, "fifo.toml")], { env: childEnv({}) });
    socketServer = createServer();
    await new Promise<void>((resolve) => socketServer.listen(join(dir, "socket.toml"), resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (socketServer ? socketServer.close(() => resolve()) : resolve()));
  });

  const cases: [string, (dir: string) => string][] = [
    ["missing", (dir) => join(dir, "absent", "policy.toml")],
    ["typo'd name next to the real file", (dir) => join(dir, "polcy.toml")],
    ["dangling symlink", (dir) => join(dir, "dangling.toml")],
    ["directory", (dir) => join(dir, "a-directory.toml")],
    ["FIFO", (dir) => join(dir, "fifo.toml")],
    ["socket", (dir) => join(dir, "socket.toml")],
    ["symlink to /dev/zero", (dir) => join(dir, "zero.toml")],
    ["symlink to /dev/urandom", (dir) => join(dir, "urandom.toml")],
    ["/dev/null", () => "/dev/null"],
    ["character device /dev/tty", () => "/dev/tty"],
    ["over 1 MiB", (dir) => join(dir, "oversize.toml")],
  ];

  for (const [kind, pathOf] of cases) {
    it(`should deny every tool and fail doctor for a policy path that is: ${kind}`, async () => {
      const env = childEnv({ MC_STATE_DIR: join(dir, "state"), MC_POLICY_PATH: pathOf(dir) });
      const timeoutMs = 20_000;
      const doctor = await run(process.execPath, [MC_BIN, "doctor", "--json"], { env, timeoutMs });
      const tools = await run(process.execPath, [MC_BIN, "tools", "--json"], { env, timeoutMs });
      const call = await run(process.execPath, [MC_BIN, "tool", "memory_usage", "--json"], { env, timeoutMs });
      const policyCheck =
        doctor.exitCode === 1
          ? (JSON.parse(doctor.stdout) as { checks: { name: string; ok: boolean }[] }).checks.find((check) => check.name === "policy")
          : undefined;
      const listed =
        tools.exitCode === 0 ? (JSON.parse(tools.stdout) as { name: string; enabled: boolean }[] | { tools: { name: string; enabled: boolean }[] }) : undefined;
      const toolList = Array.isArray(listed) ? listed : listed?.tools;
      const problems = [
        doctor.exitCode === null
          ? "doctor hung (killed at the timeout)"
          : doctor.exitCode !== 1
            ? `doctor exit ${doctor.exitCode}`
            : policyCheck?.ok !== false
              ? "doctor's policy check ok"
              : "",
        tools.exitCode === null
          ? "mc tools hung"
          : toolList === undefined || toolList.length === 0
            ? `mc tools exit ${tools.exitCode}`
            : toolList.some((tool) => tool.enabled)
              ? "a tool listed as enabled"
              : "",
        call.exitCode === null
          ? "mc tool hung"
          : call.exitCode !== 1 || !call.stdout.includes("Policy load error: ")
            ? `memory_usage not denied with a policy load error (exit ${call.exitCode})`
            : "",
      ].filter((problem) => problem !== "");
      kinds.record(problems.length > 0, `${kind}: ${problems.join(", ")}`);
      expect(problems).toStrictEqual([]);
    });
  }

  it("should read a mode-000 policy as root (root bypasses file modes) and apply it: not a failure kind here", async () => {
    const env = childEnv({ MC_STATE_DIR: join(dir, "state"), MC_POLICY_PATH: join(dir, "unreadable.toml") });
    const call = await run(process.execPath, [MC_BIN, "tool", "memory_usage", "--json"], { env, timeoutMs: 20_000 });
    // As root the file is read and its rule (disabled) applies; as another user it is unreadable: a load error.
    expect(call.exitCode).toBe(1);
    expect(call.stdout).toContain(process.getuid?.() === 0 ? "tool_disabled" : "Policy load error: ");
    kinds.record(call.exitCode !== 1, "mode 000: memory_usage ran");
  });

  it("should have tried every kind", () => {
    expect(kinds.tried).toBe(cases.length + 1);
    expect(kinds.failures).toStrictEqual([]);
  });
});
