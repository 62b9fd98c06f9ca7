#!/usr/bin/env node
// mc's benchmark: what a user feels (start-up, round trips, memory, approvals) next to the layers
// beneath it (in-process runtime, bare work), in one run. Prints a table and one JSON line.
// Run with `pnpm bench` at the repository root; `--profile DIR` also writes CPU profiles.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { cpus, hostname, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { openStore } from "@mc/approvals";
import { createRuntime } from "@mc/runtime";
import { startHarness } from "@mc/systemd-harness";
import { execa } from "execa";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "packages/cli/bin/mc.js");
const BUNDLE = join(ROOT, "apps/mc/dist/mc.mjs");
const APPROVALS_ENTRY = join(ROOT, "packages/approvals/dist/index.js");

const env = process.env;
const CALLS = Number(env.MC_BENCH_CALLS ?? 500);
const BURST = Number(env.MC_BENCH_BURST ?? 200);
const SPAWNS = Number(env.MC_BENCH_SPAWNS ?? 7);
const BARE_SPAWNS = Number(env.MC_BENCH_BARE_SPAWNS ?? 100);
const CLAIMS = Number(env.MC_BENCH_CLAIMS ?? 400);
const PROTOTYPE = env.MC_PROTOTYPE_PATH;
const PROTOTYPE_CLI_ARGS = JSON.parse(env.MC_PROTOTYPE_CLI_ARGS ?? '["--help"]');
const profileIndex = process.argv.indexOf("--profile");
const PROFILE_DIR = profileIndex === -1 ? undefined : resolve(process.argv[profileIndex + 1] ?? join(ROOT, "bench/profiles"));

const TARGETS = {
  initialize_ms: 100,
  memory_usage_p50_ms: 0.5,
  memory_usage_above_bare_ms: 0.3,
  cli_one_shot_ms: 100,
  doctor_ms: 150,
  rss_mib: 60,
  claims_per_s_4: 500,
};

function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

function stats(samples, totalMs) {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = samples.reduce((total, value) => total + value, 0);
  return {
    n: samples.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    mean: round(sum / samples.length),
    per_s: Math.round((samples.length / (totalMs ?? sum)) * 1000),
  };
}

function median(samples) {
  return round(percentile([...samples].sort((a, b) => a - b), 50));
}

function round(value, digits = 3) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function rssMib(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? round(Number(match[1]) / 1024, 1) : Number.NaN;
}

/** A JSON-RPC peer over a child's stdio, newline-delimited (the MCP stdio transport). */
function jsonRpcChild(command, args, options) {
  const started = performance.now();
  const child = spawn(command, args, { ...options, stdio: ["pipe", "pipe", "pipe"] });
  const pending = new Map();
  let buffered = "";
  let stderr = "";
  let nextId = 1;
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    buffered += chunk;
    let end;
    while ((end = buffered.indexOf("\n")) !== -1) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (!line.trim()) continue;
      let message;
      try {
        message = JSON.parse(line);
      } catch {
        continue;
      }
      const waiter = pending.get(message.id);
      if (waiter) {
        pending.delete(message.id);
        waiter(message);
      }
    }
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolveExit) => child.on("exit", resolveExit));
  return {
    child,
    started,
    stderr: () => stderr,
    request(method, params) {
      const id = nextId++;
      return new Promise((resolveRequest, reject) => {
        const timer = setTimeout(() => reject(new Error(`${method} (id ${id}) got no answer in 30 s; stderr: ${stderr.slice(-500)}`)), 30_000);
        pending.set(id, (message) => {
          clearTimeout(timer);
          if (message.error) reject(new Error(`${method}: ${JSON.stringify(message.error)}`));
          else resolveRequest(message.result);
        });
        child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, ...(params ? { params } : {}) })}\n`);
      });
    },
    notify(method) {
      child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method })}\n`);
    },
    async close() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const INITIALIZE = { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "mc-bench", version: "1.0.0" } };

async function initialize(peer) {
  await peer.request("initialize", INITIALIZE);
  const ms = performance.now() - peer.started;
  peer.notify("notifications/initialized");
  return ms;
}

async function sequentialCalls(peer, name, args, count) {
  const samples = [];
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    const before = performance.now();
    const result = await peer.request("tools/call", { name, arguments: args });
    samples.push(performance.now() - before);
    if (result.isError) throw new Error(`${name} failed over MCP: ${JSON.stringify(result.content).slice(0, 300)}`);
  }
  return stats(samples, performance.now() - started);
}

async function burst(peer, name, count) {
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: count }, () => peer.request("tools/call", { name, arguments: {} })));
  const failed = results.filter((result) => result.isError).length;
  if (failed) throw new Error(`${failed} of the burst of ${count} failed`);
  return round(performance.now() - started, 1);
}

/** Server figures for one MCP stdio server command. */
async function measureServer(label, command, args, options, withServiceStatus) {
  log(`${label}: ${SPAWNS} spawns → initialize`);
  const spawnSamples = [];
  for (let index = 0; index < SPAWNS; index += 1) {
    const peer = jsonRpcChild(command, args, options);
    spawnSamples.push(await initialize(peer));
    await peer.close();
  }
  // --cpu-prof is refused in NODE_OPTIONS: it goes before the script.
  const peer = jsonRpcChild(command, options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`, ...args] : args, options);
  await initialize(peer);
  const rssAfterInit = rssMib(peer.child.pid);
  log(`${label}: ${CALLS} × memory_usage`);
  const memory = await sequentialCalls(peer, "memory_usage", {}, CALLS);
  let service;
  if (withServiceStatus) {
    log(`${label}: ${CALLS} × service_status`);
    service = await sequentialCalls(peer, "service_status", { unit: "mc-demo.service" }, CALLS);
  }
  log(`${label}: burst of ${BURST}`);
  const burstMs = await burst(peer, "memory_usage", BURST);
  const rss = rssMib(peer.child.pid);
  await peer.close();
  return { initialize_ms: median(spawnSamples), initialize_samples: spawnSamples.map((value) => round(value, 1)), memory_usage: memory, service_status: service, burst_ms: burstMs, rss_after_init_mib: rssAfterInit, rss_mib: rss };
}

async function timeCommand(command, args, options, count) {
  const samples = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    const result = await execa(command, args, { ...options, reject: false });
    samples.push(performance.now() - started);
    if (result.exitCode !== 0 && !(args.includes("doctor") && result.exitCode === 1)) {
      throw new Error(`${command} ${args.join(" ")} exited ${result.exitCode}: ${result.stderr.slice(-400)}`);
    }
  }
  return median(samples);
}

/** Approval claims/s: `processes` node children race to claim+finalize `count` approved requests. */
async function claimRace(dir, processes, count) {
  const path = join(dir, `claims-${processes}.db`);
  const store = await openStore({ path });
  const ids = [];
  for (let index = 0; index < count; index += 1) {
    const args = { unit: `bench-${index}.service` };
    const { approval } = await store.requestApproval({ tool: "restart_service", arguments: args, requester: { caller: "cli", clientName: "bench" } });
    await store.approve(approval.id, { approver: "bench" });
    ids.push([approval.id, args]);
  }
  store.close();
  const idsPath = join(dir, `claims-${processes}.json`);
  writeFileSync(idsPath, JSON.stringify(ids));
  const worker = join(dir, "claim-worker.mjs");
  writeFileSync(
    worker,
    `import { openStore } from ${JSON.stringify(APPROVALS_ENTRY)};
import { readFileSync } from "node:fs";
const [path, idsPath] = process.argv.slice(2);
const ids = JSON.parse(readFileSync(idsPath, "utf8"));
const store = await openStore({ path });
await new Promise((resolve) => process.stdin.once("data", resolve));
process.stdin.destroy();
let won = 0;
for (const [id, args] of ids) {
  const claim = await store.claim({ id, tool: "restart_service", arguments: args });
  if (claim.claimed) { won += 1; await store.finalize(id, { ok: true }); }
}
store.close();
process.stdout.write(String(won));
`,
  );
  const children = Array.from({ length: processes }, () => execa(process.execPath, [worker, path, idsPath], { stdin: "pipe" }));
  // Every child opens its store first; the race starts when all are told to go.
  await new Promise((resolveWait) => setTimeout(resolveWait, 1_500));
  const started = performance.now();
  for (const child of children) child.stdin.end("go\n");
  const results = await Promise.all(children);
  const ms = performance.now() - started;
  const won = results.reduce((total, result) => total + Number(result.stdout), 0);
  if (won !== count) throw new Error(`${processes} processes claimed ${won} of ${count} approvals (each must be claimed exactly once)`);
  return { processes, claims: won, ms: round(ms, 1), per_s: Math.round((won / ms) * 1000) };
}

function mark(value, target, lowerIsBetter = true) {
  if (value === undefined || Number.isNaN(value)) return "n/a";
  return (lowerIsBetter ? value <= target : value >= target) ? "pass" : "MISS";
}

function ratio(ours, theirs) {
  if (ours === undefined || theirs === undefined) return "not run";
  return `${round(theirs / ours, 2)}×`;
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "mc-bench-"));
  try {
    if (!existsSync(join(ROOT, "packages/cli/dist")) || !existsSync(APPROVALS_ENTRY)) throw new Error("build first: pnpm build (or pnpm bench, which builds)");
    log("starting the systemd harness");
    const harness = await startHarness();
    if (!harness.available) log(`harness unavailable (${harness.reason}): service_status runs against this host`);
    const prefix = harness.available ? harness.prefix : [];
    const policyPath = join(work, "policy.toml");
    writeFileSync(policyPath, 'version = 1\n[tools.memory_usage]\nenabled = true\n[tools.service_status]\nallowed_scopes = ["system", "user"]\n');
    const childEnv = (stateName) => ({
      PATH: env.PATH ?? "/usr/bin:/bin",
      HOME: env.HOME ?? "/root",
      MC_STATE_DIR: join(work, stateName),
      MC_POLICY_PATH: policyPath,
      MC_COMMAND_PREFIX: JSON.stringify(prefix),
    });
    if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });

    // The bundle is what users run; the bin (workspace packages) is measured too, and carries the
    // figures when the bundle is missing or broken.
    let bundleMcp = "not built";
    if (existsSync(BUNDLE)) {
      bundleMcp = await measureServer("mc (bundle)", process.execPath, [BUNDLE, "mcp", "serve"], { env: childEnv("state-mcp-bundle") }, true).catch((error) => `failed: ${error.message.split("\n")[0].slice(0, 300)}`);
    }
    const binMcp = await measureServer("mc (bin)", process.execPath, [BIN, "mcp", "serve"], { env: childEnv("state-mcp-bin"), profileDir: PROFILE_DIR }, true);
    const server = typeof bundleMcp === "object" ? BUNDLE : BIN;
    const mcp = typeof bundleMcp === "object" ? bundleMcp : binMcp;

    log(`in-process runTool: ${CALLS} × memory_usage, ${CALLS} × service_status`);
    const runtime = createRuntime({ stateDir: join(work, "state-inproc"), policyPath, commandPrefix: prefix, env: {} });
    const caller = { caller: { kind: "embedded", name: "bench" } };
    await runtime.runTool("memory_usage", {}, caller);
    const inprocess = {};
    for (const [name, args] of [
      ["memory_usage", {}],
      ["service_status", { unit: "mc-demo.service" }],
    ]) {
      const samples = [];
      const started = performance.now();
      for (let index = 0; index < CALLS; index += 1) {
        const before = performance.now();
        const result = await runtime.runTool(name, args, caller);
        samples.push(performance.now() - before);
        if (result.status !== "ok") throw new Error(`${name} in-process: ${JSON.stringify(result)}`);
      }
      inprocess[name] = stats(samples, performance.now() - started);
    }
    await runtime.close();

    log("bare work: /proc/meminfo, systemctl show through execa");
    const meminfo = [];
    for (let index = 0; index < CALLS; index += 1) {
      const before = performance.now();
      await readFile("/proc/meminfo", "utf8");
      meminfo.push(performance.now() - before);
    }
    const systemctl = [];
    const showArgs = ["systemctl", "show", "mc-demo.service", "--no-pager", "--property=Id,LoadState,ActiveState,SubState,UnitFileState,Description,FragmentPath,CanReload,MainPID"];
    for (let index = 0; index < BARE_SPAWNS; index += 1) {
      const before = performance.now();
      const [file, ...args] = [...prefix, ...showArgs];
      await execa(file, args, { reject: false });
      systemctl.push(performance.now() - before);
    }
    const bare = { read_meminfo: stats(meminfo), systemctl_show: stats(systemctl) };

    log(`CLI cold start (median of ${SPAWNS})`);
    const cli = {};
    for (const [label, entry] of [
      ["bundle", BUNDLE],
      ["bin", BIN],
    ]) {
      if (!existsSync(entry)) {
        cli[label] = "not built";
        continue;
      }
      const options = { env: childEnv(`state-cli-${label}`), extendEnv: false };
      cli[label] = {
        version_ms: await timeCommand(process.execPath, [entry, "--version"], options, SPAWNS),
        tools_json_ms: await timeCommand(process.execPath, [entry, "tools", "--json"], options, SPAWNS),
        doctor_json_ms: await timeCommand(process.execPath, [entry, "doctor", "--json"], options, SPAWNS),
      };
    }
    if (PROFILE_DIR) {
      await execa(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${join(PROFILE_DIR, "doctor")}`, server, "doctor", "--json"], { env: childEnv("state-cli-profile"), extendEnv: false, reject: false });
    }

    log(`approval claims: ${CLAIMS} approved requests, 1 and 4 processes`);
    const claims = [await claimRace(work, 1, CLAIMS), await claimRace(work, 4, CLAIMS)];

    let prototype = { status: "not run (set MC_PROTOTYPE_PATH to a checkout of N1ghthill/master-control)" };
    if (PROTOTYPE) {
      // Its own state dir: the prototype reads the same MC_* variables as mc, and its default
      // state dir is mc's, whose database has another schema.
      const prototypeEnv = { ...env, PYTHONPATH: "src", MC_STATE_DIR: join(work, "state-prototype") };
      delete prototypeEnv.MC_DB_PATH;
      delete prototypeEnv.MC_POLICY_PATH;
      const options = { cwd: PROTOTYPE, env: prototypeEnv, extendEnv: false };
      const python = env.MC_PROTOTYPE_PYTHON ?? "/usr/bin/python3";
      const figures = await measureServer("prototype", python, ["-m", "master_control", "mcp-serve"], options, false);
      const cliMs = await timeCommand(python, ["-m", "master_control", ...PROTOTYPE_CLI_ARGS], { ...options, reject: false }, SPAWNS).catch((error) => `failed: ${error.message}`);
      prototype = { status: "run", path: PROTOTYPE, ...figures, cli_one_shot_ms: cliMs, cli_args: PROTOTYPE_CLI_ARGS };
    }

    if (typeof bundleMcp === "string") log(`bundle server: ${bundleMcp}`);
    const bundleCli = typeof cli.bundle === "object" ? cli.bundle : typeof cli.bin === "object" ? cli.bin : undefined;
    const overhead = round(mcp.memory_usage.p50 - bare.read_meminfo.p50);
    const checks = [
      ["spawn→initialize (ms)", mcp.initialize_ms, TARGETS.initialize_ms, true],
      ["tools/call memory_usage p50 (ms)", mcp.memory_usage.p50, TARGETS.memory_usage_p50_ms, true],
      ["memory_usage p50 above bare (ms)", overhead, TARGETS.memory_usage_above_bare_ms, true],
      ["CLI one-shot --version (ms)", bundleCli?.version_ms, TARGETS.cli_one_shot_ms, true],
      ["CLI one-shot tools --json (ms)", bundleCli?.tools_json_ms, TARGETS.cli_one_shot_ms, true],
      ["CLI doctor --json (ms)", bundleCli?.doctor_json_ms, TARGETS.doctor_ms, true],
      [`server RSS after ${2 * CALLS + BURST} calls (MiB)`, mcp.rss_mib, TARGETS.rss_mib, true],
      ["approval claims/s, 4 processes", claims[1].per_s, TARGETS.claims_per_s_4, false],
    ].map(([name, value, target, lower]) => ({ name, value, target: `${lower ? "≤" : "≥"} ${target}`, result: mark(value, target, lower) }));

    const pt = prototype.status === "run" ? prototype : undefined;
    const rows = [
      ["MCP spawn→initialize (median ms)", mcp.initialize_ms, pt?.initialize_ms],
      ["  bin (workspace packages) initialize / memory_usage p50 / RSS", `${binMcp.initialize_ms} / ${binMcp.memory_usage.p50} / ${binMcp.rss_mib}`],
      ["MCP memory_usage p50 / p95 / p99 (ms)", `${mcp.memory_usage.p50} / ${mcp.memory_usage.p95} / ${mcp.memory_usage.p99}`, pt ? `${pt.memory_usage.p50} / ${pt.memory_usage.p95} / ${pt.memory_usage.p99}` : undefined, mcp.memory_usage.p50, pt?.memory_usage.p50],
      ["MCP memory_usage calls/s", mcp.memory_usage.per_s, pt?.memory_usage.per_s, pt ? 1 / mcp.memory_usage.per_s : undefined, pt ? 1 / pt.memory_usage.per_s : undefined],
      ["MCP service_status p50 / p95 / p99 (ms)", `${mcp.service_status.p50} / ${mcp.service_status.p95} / ${mcp.service_status.p99}`],
      ["MCP service_status calls/s", mcp.service_status.per_s],
      [`MCP burst of ${BURST} memory_usage (ms)`, mcp.burst_ms, pt?.burst_ms],
      ["server RSS after init / after calls (MiB)", `${mcp.rss_after_init_mib} / ${mcp.rss_mib}`, pt ? `${pt.rss_after_init_mib} / ${pt.rss_mib}` : undefined, mcp.rss_mib, pt?.rss_mib],
      ["in-process runTool memory_usage p50 / p95 (ms)", `${inprocess.memory_usage.p50} / ${inprocess.memory_usage.p95}`],
      ["in-process runTool service_status p50 / p95 (ms)", `${inprocess.service_status.p50} / ${inprocess.service_status.p95}`],
      ["bare read /proc/meminfo p50 (ms)", bare.read_meminfo.p50],
      ["bare systemctl show via execa+prefix p50 (ms)", bare.systemctl_show.p50],
      ["CLI --version bundle / bin (ms)", `${bundleCli === cli.bundle ? cli.bundle.version_ms : "not built"} / ${cli.bin.version_ms}`, pt?.cli_one_shot_ms, cli.bin.version_ms, typeof pt?.cli_one_shot_ms === "number" ? pt.cli_one_shot_ms : undefined],
      ["CLI tools --json bundle / bin (ms)", `${typeof cli.bundle === "object" ? cli.bundle.tools_json_ms : "not built"} / ${cli.bin.tools_json_ms}`],
      ["CLI doctor --json bundle / bin (ms)", `${typeof cli.bundle === "object" ? cli.bundle.doctor_json_ms : "not built"} / ${cli.bin.doctor_json_ms}`],
      ["approval claims/s, 1 process", claims[0].per_s],
      ["approval claims/s, 4 processes", claims[1].per_s],
    ];
    const table = [["measure", "mc", "prototype", "prototype/mc"], ...rows.map(([name, ours, theirs, oursNumber, theirsNumber]) => [name, String(ours), theirs === undefined ? (PROTOTYPE ? "—" : "not run") : String(theirs), theirs === undefined ? (PROTOTYPE ? "—" : "not run") : ratio(oursNumber ?? ours, theirsNumber ?? theirs)])];
    const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
    const print = (row) => process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column])).join("  ")}\n`);
    process.stdout.write(`\nmc benchmark — ${new Date().toISOString()} — ${hostname()}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; server: ${server === BUNDLE ? "apps/mc/dist/mc.mjs" : `packages/cli/bin/mc.js (bundle: ${typeof bundleMcp === "string" ? bundleMcp.slice(0, 120) : "ok"})`}; systemd: ${harness.available ? "container" : "host"}\n\n`);
    print(table[0]);
    print(widths.map((width) => "-".repeat(width)));
    for (const row of table.slice(1)) print(row);
    process.stdout.write("\ntargets\n");
    const checkWidth = Math.max(...checks.map((check) => check.name.length));
    for (const check of checks) process.stdout.write(`${check.name.padEnd(checkWidth)}  ${String(check.value).padStart(8)}  ${check.target.padEnd(8)}  ${check.result}\n`);
    const report = {
      date: new Date().toISOString(),
      machine: { hostname: hostname(), cpus: cpus().length, cpu: cpus()[0]?.model, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version },
      settings: { calls: CALLS, burst: BURST, spawns: SPAWNS, bare_spawns: BARE_SPAWNS, claims: CLAIMS, server: server === BUNDLE ? "bundle" : "bin", systemd: harness.available ? "container" : "host" },
      mcp,
      mcp_bin: binMcp,
      mcp_bundle: bundleMcp,
      in_process: inprocess,
      bare,
      cli,
      claims,
      prototype,
      targets: checks,
    };
    process.stdout.write(`\n${JSON.stringify(report)}\n`);
    if (PROFILE_DIR) log(`CPU profiles in ${PROFILE_DIR} (server) and ${join(PROFILE_DIR, "doctor")}; summarize with node bench/src/summarize-profile.mjs FILE`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main()
  .catch((error) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  })
  // A script, not a library: open handles of the libraries measured must not keep it running.
  .finally(() => process.exit());
