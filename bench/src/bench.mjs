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
import { startPostgres } from "@mc/postgres-harness";
import { startHarness } from "@mc/systemd-harness";
import { execa } from "execa";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "packages/cli/bin/mc.js");
const BUNDLE = join(ROOT, "apps/mc/dist/mc.mjs");
const APPROVALS_ENTRY = join(ROOT, "packages/approvals/dist/index.js");
const FLOOR_SERVER = join(ROOT, "bench/src/floor-server.mjs");

const env = process.env;
const CALLS = Number(env.MC_BENCH_CALLS ?? 500);
const BURST = Number(env.MC_BENCH_BURST ?? 200);
const SPAWNS = Number(env.MC_BENCH_SPAWNS ?? 20);
const SESSIONS = Number(env.MC_BENCH_SESSIONS ?? 3);
const LISTS = Number(env.MC_BENCH_LISTS ?? 200);
const LONG_CALLS = Number(env.MC_BENCH_LONG_CALLS ?? 5000);
const RSS_EARLY_CALLS = 400;
// A Node 22 binary (e.g. from `npm i node@22` in a temp dir: node_modules/node/bin/node), for
// the start-up figures on Node 22 beside the default node (which runs the bench).
const NODE22 = env.MC_BENCH_NODE22;
const BARE_SPAWNS = Number(env.MC_BENCH_BARE_SPAWNS ?? 100);
const CLAIMS = Number(env.MC_BENCH_CLAIMS ?? 400);
const PROTOTYPE = env.MC_PROTOTYPE_PATH;
const PROTOTYPE_CLI_ARGS = JSON.parse(env.MC_PROTOTYPE_CLI_ARGS ?? '["--help"]');
const profileIndex = process.argv.indexOf("--profile");
const PROFILE_DIR = profileIndex === -1 ? undefined : resolve(process.argv[profileIndex + 1] ?? join(ROOT, "bench/profiles"));

// The targets: start-up and per-call figures as ratios to the Python original measured
// in the same run (prototype ÷ mc), the rest absolute.
const TARGETS = {
  initialize_ratio: 1.25, // mc ≤ 0.8× the original's spawn → initialize
  tools_list_p50_ms: 1,
  memory_usage_p50_ratio: 3,
  burst_ratio: 4,
  rss_after_burst_mib: 80,
  rss_growth_mib: 8, // after LONG_CALLS calls vs after RSS_EARLY_CALLS
  cli_tools_ms: 100,
  cli_tool_memory_usage_ms: 120,
  doctor_ms: 150,
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
    samples,
    total_ms: totalMs ?? sum,
    n: samples.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    mean: round(sum / samples.length),
    per_s: Math.round((samples.length / (totalMs ?? sum)) * 1000),
  };
}

function median(samples) {
  return round(
    percentile(
      [...samples].sort((a, b) => a - b),
      50,
    ),
  );
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

/** One spawn → initialize of a server command, in ms. */
async function spawnToInitialize(server) {
  const peer = jsonRpcChild(server.command, server.args, server.options);
  const ms = await initialize(peer);
  await peer.close();
  return ms;
}

async function listTools(peer, count) {
  const samples = [];
  for (let index = 0; index < count; index += 1) {
    const before = performance.now();
    const result = await peer.request("tools/list", {});
    samples.push(performance.now() - before);
    if (!Array.isArray(result.tools) || result.tools.length === 0) throw new Error("tools/list returned no tools");
  }
  return stats(samples);
}

/**
 * One MCP session of a server: tools/list, sequential memory_usage calls (RSS after the first
 * RSS_EARLY_CALLS), optionally service_status, a burst, RSS; with `long`, more calls up to
 * LONG_CALLS in all and RSS again (flatness).
 */
async function serverSession(server, { serviceStatus = false, long = false } = {}) {
  const profile = server.options.profileDir;
  // --cpu-prof is refused in NODE_OPTIONS: it goes before the script.
  const peer = jsonRpcChild(server.command, profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`, ...server.args] : server.args, server.options);
  await initialize(peer);
  const rssAfterInit = rssMib(peer.child.pid);
  await peer.request("tools/list", {});
  const toolsList = await listTools(peer, LISTS);
  log(`${server.label}: ${CALLS} × memory_usage`);
  const early = Math.min(RSS_EARLY_CALLS, CALLS);
  const first = await sequentialCalls(peer, "memory_usage", {}, early);
  const rssEarly = rssMib(peer.child.pid);
  const rest = CALLS > early ? await sequentialCalls(peer, "memory_usage", {}, CALLS - early) : undefined;
  const memory = rest ? mergeStats(first, rest) : first;
  let service;
  if (serviceStatus) {
    log(`${server.label}: ${CALLS} × service_status`);
    service = await sequentialCalls(peer, "service_status", { unit: "mc-demo.service" }, CALLS);
  }
  log(`${server.label}: burst of ${BURST}`);
  const burstMs = await burst(peer, "memory_usage", BURST);
  const rssAfterBurst = rssMib(peer.child.pid);
  let rssLong;
  let callsInAll = CALLS + BURST + (serviceStatus ? CALLS : 0);
  if (long && LONG_CALLS > callsInAll) {
    log(`${server.label}: ${LONG_CALLS - callsInAll} more × memory_usage (RSS flatness)`);
    await sequentialCalls(peer, "memory_usage", {}, LONG_CALLS - callsInAll);
    callsInAll = LONG_CALLS;
    rssLong = rssMib(peer.child.pid);
  }
  await peer.close();
  return {
    tools_list: toolsList,
    memory_usage: memory,
    service_status: service,
    burst_ms: burstMs,
    rss_after_init_mib: rssAfterInit,
    rss_early_mib: rssEarly,
    rss_after_burst_mib: rssAfterBurst,
    rss_long_mib: rssLong,
    calls_in_all: callsInAll,
  };
}

/**
 * One session of a floor server (floor-server.mjs): CALLS sequential memory_usage calls after a
 * first one, no list, no burst.
 */
async function floorSession(server) {
  const peer = jsonRpcChild(server.command, server.args, server.options);
  await initialize(peer);
  await peer.request("tools/call", { name: "memory_usage", arguments: {} });
  const calls = await sequentialCalls(peer, "memory_usage", {}, CALLS);
  await peer.close();
  return calls;
}

function mergeStats(a, b) {
  // Exact percentiles need the samples; sequentialCalls keeps them.
  return stats([...a.samples, ...b.samples], a.total_ms + b.total_ms);
}

/** The median of each figure over several sessions (figures of one session where only it has them). */
function medianSessions(sessions) {
  const pick = (get) => {
    const values = sessions.map(get).filter((value) => typeof value === "number" && !Number.isNaN(value));
    return values.length === 0 ? undefined : median(values);
  };
  return {
    sessions: sessions.length,
    tools_list: { p50: pick((s) => s.tools_list.p50), p95: pick((s) => s.tools_list.p95) },
    memory_usage: {
      p50: pick((s) => s.memory_usage.p50),
      p95: pick((s) => s.memory_usage.p95),
      p99: pick((s) => s.memory_usage.p99),
      per_s: pick((s) => s.memory_usage.per_s),
    },
    service_status: sessions.find((s) => s.service_status)?.service_status,
    burst_ms: pick((s) => s.burst_ms),
    rss_after_init_mib: pick((s) => s.rss_after_init_mib),
    rss_early_mib: pick((s) => s.rss_early_mib),
    rss_after_burst_mib: pick((s) => s.rss_after_burst_mib),
    rss_long_mib: pick((s) => s.rss_long_mib),
    rss_long_early_mib: sessions.find((s) => s.rss_long_mib !== undefined)?.rss_early_mib,
    each: sessions.map((s) => ({
      tools_list_p50: s.tools_list.p50,
      memory_usage_p50: s.memory_usage.p50,
      burst_ms: s.burst_ms,
      rss_after_burst_mib: s.rss_after_burst_mib,
      rss_long_mib: s.rss_long_mib,
    })),
  };
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

/**
 * Approval claims/s: `processes` node children race to claim+finalize `count` approved requests,
 * on a libSQL file in `dir` or, with `url`, on a PostgreSQL database (the fleet store).
 */
async function claimRace(dir, processes, count, url) {
  const target = url === undefined ? { path: join(dir, `claims-${processes}.db`) } : { url };
  const store = await openStore(target);
  const ids = [];
  for (let index = 0; index < count; index += 1) {
    const args = { unit: `bench-${index}.service` };
    const { approval } = await store.requestApproval({ tool: "restart_service", arguments: args, requester: { caller: "cli", clientName: "bench" } });
    await store.approve(approval.id, { approver: "bench" });
    ids.push([approval.id, args]);
  }
  store.close();
  const idsPath = join(dir, `claims-${processes}${url === undefined ? "" : "-pg"}.json`);
  writeFileSync(idsPath, JSON.stringify(ids));
  const worker = join(dir, "claim-worker.mjs");
  writeFileSync(
    worker,
    `import { openStore } from ${JSON.stringify(APPROVALS_ENTRY)};
import { readFileSync } from "node:fs";
const [target, idsPath] = process.argv.slice(2);
const ids = JSON.parse(readFileSync(idsPath, "utf8"));
const store = await openStore(JSON.parse(target));
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
  const children = Array.from({ length: processes }, () => execa(process.execPath, [worker, JSON.stringify(target), idsPath], { stdin: "pipe" }));
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
  const loadAtStart = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
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

    // The servers, mc's and the original's, measured in turns (spawn by spawn, session by
    // session) so that a change in the machine's load falls on both sides of every ratio.
    const prototypeEnv = PROTOTYPE ? { ...env, PYTHONPATH: "src", MC_STATE_DIR: join(work, "state-prototype") } : undefined;
    if (prototypeEnv) {
      // Its own state dir: the prototype reads the same MC_* variables as mc, and its default
      // state dir is mc's, whose database has another schema.
      delete prototypeEnv.MC_DB_PATH;
      delete prototypeEnv.MC_POLICY_PATH;
    }
    const python = env.MC_PROTOTYPE_PYTHON ?? "/usr/bin/python3";
    const prototypeServer = PROTOTYPE
      ? { label: "prototype", command: python, args: ["-m", "master_control", "mcp-serve"], options: { cwd: PROTOTYPE, env: prototypeEnv } }
      : undefined;
    const bundleExists = existsSync(BUNDLE);
    const mcServer = (label, node, entry, state) => ({ label, command: node, args: [entry, "mcp", "serve"], options: { env: childEnv(state) } });
    const spawnServers = [
      ...(bundleExists ? [mcServer("bundle", process.execPath, BUNDLE, "state-mcp-bundle")] : []),
      mcServer("bin", process.execPath, BIN, "state-mcp-bin"),
      ...(NODE22 && bundleExists ? [mcServer("bundle-node22", NODE22, BUNDLE, "state-mcp-bundle22")] : []),
      ...(NODE22 ? [mcServer("bin-node22", NODE22, BIN, "state-mcp-bin22")] : []),
      ...(prototypeServer ? [prototypeServer] : []),
    ];
    if (NODE22) log(`Node 22: ${NODE22} (${(await execa(NODE22, ["--version"])).stdout.trim()})`);
    else log("Node 22 not measured: set MC_BENCH_NODE22 to a Node 22 binary");
    log(`spawn → initialize: ${SPAWNS} rounds of ${spawnServers.map((server) => server.label).join(", ")}`);
    const spawnSamples = Object.fromEntries(spawnServers.map((server) => [server.label, []]));
    for (const server of spawnServers) await spawnToInitialize(server); // warm the page cache and compile caches
    for (let round = 0; round < SPAWNS; round += 1) {
      for (const server of spawnServers) spawnSamples[server.label].push(await spawnToInitialize(server));
    }
    const initializeMs = Object.fromEntries(Object.entries(spawnSamples).map(([label, samples]) => [label, median(samples)]));
    const mainServer = {
      ...(bundleExists ? mcServer("mc (bundle)", process.execPath, BUNDLE, "state-mcp-bundle") : mcServer("mc (bin)", process.execPath, BIN, "state-mcp-bin")),
    };
    mainServer.options.profileDir = PROFILE_DIR;
    // The floor under a call (issue 18: "what is left above the bare SDK round trip plus one
    // fsync"): the same SDK serving one tool that reads /proc/meminfo, alone, with one
    // fdatasync'd append, and with one libSQL INSERT per call; in the same turns.
    const floorServers = ["sdk", "fsync", "libsql"].map((mode) => ({
      mode,
      command: process.execPath,
      args: [FLOOR_SERVER, mode, ...(mode === "sdk" ? [] : [join(work, `floor-${mode}.${mode === "libsql" ? "db" : "log"}`)])],
      options: { env: { PATH: env.PATH ?? "/usr/bin:/bin", HOME: env.HOME ?? "/root" } },
    }));
    const sessions = { mc: [], prototype: [], floor: Object.fromEntries(floorServers.map((server) => [server.mode, []])) };
    for (let session = 0; session < SESSIONS; session += 1) {
      const long = session === SESSIONS - 1;
      log(`session ${session + 1} of ${SESSIONS}`);
      sessions.mc.push(await serverSession(mainServer, { serviceStatus: session === 0, long }));
      if (prototypeServer) sessions.prototype.push(await serverSession(prototypeServer, { long }));
      log(`floor servers (${floorServers.map((server) => server.mode).join(", ")}): ${CALLS} × memory_usage each`);
      for (const server of floorServers) sessions.floor[server.mode].push(await floorSession(server));
    }
    const floor = Object.fromEntries(
      Object.entries(sessions.floor).map(([mode, runs]) => [mode, { p50: median(runs.map((run) => run.p50)), p95: median(runs.map((run) => run.p95)) }]),
    );
    const mcp = { initialize_ms: initializeMs[bundleExists ? "bundle" : "bin"], ...medianSessions(sessions.mc) };
    const binSession = await serverSession(mcServer("mc (bin)", process.execPath, BIN, "state-mcp-bin"));
    const server = bundleExists ? BUNDLE : BIN;

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
    const showArgs = [
      "systemctl",
      "show",
      "mc-demo.service",
      "--no-pager",
      "--property=Id,LoadState,ActiveState,SubState,UnitFileState,Description,FragmentPath,CanReload,MainPID",
    ];
    for (let index = 0; index < BARE_SPAWNS; index += 1) {
      const before = performance.now();
      const [file, ...args] = [...prefix, ...showArgs];
      await execa(file, args, { reject: false });
      systemctl.push(performance.now() - before);
    }
    const bare = { read_meminfo: stats(meminfo), systemctl_show: stats(systemctl) };

    log(`CLI cold start (median of ${SPAWNS})`);
    const cliRuns = [
      ["version_ms", ["--version"]],
      ["tools_ms", ["tools"]],
      ["tools_json_ms", ["tools", "--json"]],
      ["tool_memory_usage_ms", ["tool", "memory_usage"]],
      ["doctor_json_ms", ["doctor", "--json"]],
    ];
    const cliEntries = [
      ["bundle", process.execPath, BUNDLE],
      ["bin", process.execPath, BIN],
      ...(NODE22
        ? [
            ["bundle-node22", NODE22, BUNDLE],
            ["bin-node22", NODE22, BIN],
          ]
        : []),
    ].filter(([, , entry]) => existsSync(entry));
    const cli = {};
    for (const [label, node, entry] of cliEntries) {
      const options = { env: childEnv(`state-cli-${label}`), extendEnv: false };
      cli[label] = {};
      for (const [key, args] of cliRuns) {
        await timeCommand(node, [entry, ...args], options, 1); // warm
        cli[label][key] = await timeCommand(node, [entry, ...args], options, SPAWNS);
      }
    }
    let prototypeCli;
    if (prototypeServer) {
      prototypeCli = await timeCommand(
        python,
        ["-m", "master_control", ...PROTOTYPE_CLI_ARGS],
        { cwd: PROTOTYPE, env: prototypeEnv, extendEnv: false, reject: false },
        SPAWNS,
      ).catch((error) => `failed: ${error.message}`);
    }
    if (PROFILE_DIR) {
      await execa(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${join(PROFILE_DIR, "doctor")}`, server, "doctor", "--json"], {
        env: childEnv("state-cli-profile"),
        extendEnv: false,
        reject: false,
      });
    }

    log(`approval claims: ${CLAIMS} approved requests, 1 and 4 processes`);
    const claims = [await claimRace(work, 1, CLAIMS), await claimRace(work, 4, CLAIMS)];
    const fleet = await fleetStore(work, policyPath, prefix, CLAIMS);

    const prototype = prototypeServer
      ? {
          status: "run",
          path: PROTOTYPE,
          initialize_ms: initializeMs.prototype,
          ...medianSessions(sessions.prototype),
          cli_one_shot_ms: prototypeCli,
          cli_args: PROTOTYPE_CLI_ARGS,
        }
      : { status: "not run (set MC_PROTOTYPE_PATH to a checkout of N1ghthill/master-control)" };
    const pt = prototype.status === "run" ? prototype : undefined;
    const bundleCli = cli.bundle ?? cli.bin;
    const growth = mcp.rss_long_mib === undefined ? undefined : round(mcp.rss_long_mib - mcp.rss_long_early_mib, 1);
    const ratioOf = (ours, theirs) => (typeof ours === "number" && typeof theirs === "number" ? round(theirs / ours, 2) : undefined);
    // Each target is checked for both ways mc is started: the bin (`npm i -g @mc/cli`, what
    // `mc mcp serve` runs) and the single-file bundle (apps/mc/dist/mc.mjs).
    const binCli = cli.bin;
    const checks = [
      ...["bin", "bundle", "bin-node22", "bundle-node22"]
        .filter((label) => initializeMs[label] !== undefined)
        .map((label) => [
          `spawn→initialize, Node ${label.endsWith("node22") ? 22 : process.versions.node.split(".")[0]} ${label.replace("-node22", "")}: original ÷ mc`,
          ratioOf(initializeMs[label], pt?.initialize_ms),
          TARGETS.initialize_ratio,
          false,
        ]),
      ["tools/list p50 (ms), bundle", mcp.tools_list.p50, TARGETS.tools_list_p50_ms, true],
      ["tools/list p50 (ms), bin", binSession.tools_list.p50, TARGETS.tools_list_p50_ms, true],
      ["tools/call memory_usage p50: original ÷ mc, bundle", ratioOf(mcp.memory_usage.p50, pt?.memory_usage.p50), TARGETS.memory_usage_p50_ratio, false],
      ["tools/call memory_usage p50: original ÷ mc, bin", ratioOf(binSession.memory_usage.p50, pt?.memory_usage.p50), TARGETS.memory_usage_p50_ratio, false],
      [`burst of ${BURST}: original ÷ mc, bundle`, ratioOf(mcp.burst_ms, pt?.burst_ms), TARGETS.burst_ratio, false],
      [`burst of ${BURST}: original ÷ mc, bin`, ratioOf(binSession.burst_ms, pt?.burst_ms), TARGETS.burst_ratio, false],
      ["server RSS after the burst (MiB), bundle (after service_status too)", mcp.rss_after_burst_mib, TARGETS.rss_after_burst_mib, true],
      ["server RSS after the burst (MiB), bin", binSession.rss_after_burst_mib, TARGETS.rss_after_burst_mib, true],
      [`server RSS growth, ${RSS_EARLY_CALLS} → ${LONG_CALLS} calls (MiB)`, growth, TARGETS.rss_growth_mib, true],
      ["CLI `mc tools` (ms), bin", binCli?.tools_ms, TARGETS.cli_tools_ms, true],
      ["CLI `mc tools` (ms), bundle", bundleCli?.tools_ms, TARGETS.cli_tools_ms, true],
      ["CLI `mc tool memory_usage` (ms), bin", binCli?.tool_memory_usage_ms, TARGETS.cli_tool_memory_usage_ms, true],
      ["CLI `mc tool memory_usage` (ms), bundle", bundleCli?.tool_memory_usage_ms, TARGETS.cli_tool_memory_usage_ms, true],
      ["CLI doctor --json (ms), bin", binCli?.doctor_json_ms, TARGETS.doctor_ms, true],
      ["approval claims/s, 4 processes", claims[1].per_s, TARGETS.claims_per_s_4, false],
    ].map(([name, value, target, lower]) => ({ name, value, target: `${lower ? "≤" : "≥"} ${target}`, result: mark(value, target, lower) }));

    const slash = (...values) => values.map((value) => (value === undefined ? "—" : String(value))).join(" / ");
    const cliRow = (key) => slash(...cliEntries.map(([label]) => cli[label][key]));
    const rows = [
      [
        `MCP spawn→initialize (median of ${SPAWNS}) ${slash(...spawnServers.filter((s) => s !== prototypeServer).map((s) => s.label))}`,
        slash(...spawnServers.filter((s) => s !== prototypeServer).map((s) => initializeMs[s.label])),
        pt?.initialize_ms,
        mcp.initialize_ms,
        pt?.initialize_ms,
      ],
      [
        "MCP tools/list p50 / p95 (ms)",
        slash(mcp.tools_list.p50, mcp.tools_list.p95),
        pt ? slash(pt.tools_list.p50, pt.tools_list.p95) : undefined,
        mcp.tools_list.p50,
        pt?.tools_list.p50,
      ],
      [
        "MCP memory_usage p50 / p95 / p99 (ms)",
        slash(mcp.memory_usage.p50, mcp.memory_usage.p95, mcp.memory_usage.p99),
        pt ? slash(pt.memory_usage.p50, pt.memory_usage.p95, pt.memory_usage.p99) : undefined,
        mcp.memory_usage.p50,
        pt?.memory_usage.p50,
      ],
      [
        "MCP memory_usage calls/s",
        mcp.memory_usage.per_s,
        pt?.memory_usage.per_s,
        pt ? 1 / mcp.memory_usage.per_s : undefined,
        pt ? 1 / pt.memory_usage.per_s : undefined,
      ],
      [
        "  bin (workspace packages): tools/list p50 / memory_usage p50 / burst / RSS",
        slash(binSession.tools_list.p50, binSession.memory_usage.p50, binSession.burst_ms, binSession.rss_after_burst_mib),
      ],
      ["MCP service_status p50 / p95 / p99 (ms)", slash(mcp.service_status.p50, mcp.service_status.p95, mcp.service_status.p99)],
      [`MCP burst of ${BURST} memory_usage (ms)`, mcp.burst_ms, pt?.burst_ms],
      [
        `server RSS after init / ${RSS_EARLY_CALLS} calls / burst / ${LONG_CALLS} calls (MiB)`,
        slash(mcp.rss_after_init_mib, mcp.rss_early_mib, mcp.rss_after_burst_mib, mcp.rss_long_mib),
        pt ? slash(pt.rss_after_init_mib, pt.rss_early_mib, pt.rss_after_burst_mib, pt.rss_long_mib) : undefined,
        mcp.rss_after_burst_mib,
        pt?.rss_after_burst_mib,
      ],
      ["floor: SDK server, a tool reading /proc/meminfo, p50 (ms)", floor.sdk.p50],
      ["floor: the same + one fdatasync'd append per call, p50 (ms)", floor.fsync.p50],
      ["floor: the same + one libSQL INSERT (WAL, synchronous=FULL), p50 (ms)", floor.libsql.p50],
      ["in-process runTool memory_usage p50 / p95 (ms)", slash(inprocess.memory_usage.p50, inprocess.memory_usage.p95)],
      ["in-process runTool service_status p50 / p95 (ms)", slash(inprocess.service_status.p50, inprocess.service_status.p95)],
      ["bare read /proc/meminfo p50 (ms)", bare.read_meminfo.p50],
      ["bare systemctl show via execa+prefix p50 (ms)", bare.systemctl_show.p50],
      [
        `CLI --version ${cliEntries.map(([label]) => label).join(" / ")} (ms)`,
        cliRow("version_ms"),
        pt?.cli_one_shot_ms,
        bundleCli?.version_ms,
        typeof pt?.cli_one_shot_ms === "number" ? pt.cli_one_shot_ms : undefined,
      ],
      ["CLI tools (ms)", cliRow("tools_ms")],
      ["CLI tools --json (ms)", cliRow("tools_json_ms")],
      ["CLI tool memory_usage (ms)", cliRow("tool_memory_usage_ms")],
      ["CLI doctor --json (ms)", cliRow("doctor_json_ms")],
      ["approval claims/s, 1 process", claims[0].per_s],
      ["approval claims/s, 4 processes", claims[1].per_s],
      ["approval claims/s, 1 / 4 processes, PostgreSQL store", fleet ? slash(fleet.claims[0].per_s, fleet.claims[1].per_s) : "not run"],
      ["in-process runTool memory_usage p50 / p95 (ms), PostgreSQL store", fleet ? slash(fleet.memory_usage.p50, fleet.memory_usage.p95) : "not run"],
    ];
    const table = [
      ["measure", "mc", "original", "original/mc"],
      ...rows.map(([name, ours, theirs, oursNumber, theirsNumber]) => [
        name,
        String(ours),
        theirs === undefined ? (PROTOTYPE ? "—" : "not run") : String(theirs),
        theirs === undefined ? (PROTOTYPE ? "—" : "not run") : ratio(oursNumber ?? ours, theirsNumber ?? theirs),
      ]),
    ];
    const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
    const print = (row) => process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column])).join("  ")}\n`);
    const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    process.stdout.write(
      `\nmc benchmark — ${new Date().toISOString()} — ${hostname()}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, load ${load} (at start ${loadAtStart}), Node ${process.version}${NODE22 ? " and Node 22 (MC_BENCH_NODE22)" : ""}; server: ${server === BUNDLE ? "apps/mc/dist/mc.mjs" : "packages/cli/bin/mc.js"}; systemd: ${harness.available ? "container" : "host"}\n\n`,
    );
    print(table[0]);
    print(widths.map((width) => "-".repeat(width)));
    for (const row of table.slice(1)) print(row);
    process.stdout.write("\ntargets\n");
    const checkWidth = Math.max(...checks.map((check) => check.name.length));
    for (const check of checks)
      process.stdout.write(`${check.name.padEnd(checkWidth)}  ${String(check.value).padStart(8)}  ${check.target.padEnd(8)}  ${check.result}\n`);
    // What the call's target leaves for mc above the floor, in this run.
    if (pt) {
      const bound = round(pt.memory_usage.p50 / TARGETS.memory_usage_p50_ratio);
      const above = (ms) => round(ms - floor.fsync.p50);
      process.stdout.write(
        `\nthe call's floor: ${TARGETS.memory_usage_p50_ratio}× the original's p50 (${pt.memory_usage.p50} ms) is ≤ ${bound} ms; ` +
          `the SDK round trip is ${floor.sdk.p50} ms, + one fdatasync ${floor.fsync.p50} ms, + one libSQL INSERT instead ${floor.libsql.p50} ms ` +
          `(original ÷ floor: ${ratio(floor.fsync.p50, pt.memory_usage.p50)} / ${ratio(floor.libsql.p50, pt.memory_usage.p50)}); ` +
          `mc is ${above(binSession.memory_usage.p50)} ms (bin) / ${above(mcp.memory_usage.p50)} ms (bundle) above SDK + fdatasync, ` +
          `and the target leaves ${round(bound - floor.fsync.p50)} ms above SDK + fdatasync for the policy check, validation, the audit chain and the database` +
          `${bound < floor.libsql.p50 ? " (less than one libSQL INSERT costs above it)" : ""}\n`,
      );
    }
    const report = {
      date: new Date().toISOString(),
      machine: {
        hostname: hostname(),
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        memory_gib: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        node22: NODE22,
        load_at_start: loadAtStart,
        load_at_end: load,
      },
      settings: {
        calls: CALLS,
        burst: BURST,
        spawns: SPAWNS,
        sessions: SESSIONS,
        lists: LISTS,
        long_calls: LONG_CALLS,
        bare_spawns: BARE_SPAWNS,
        claims: CLAIMS,
        server: server === BUNDLE ? "bundle" : "bin",
        systemd: harness.available ? "container" : "host",
      },
      initialize_ms: initializeMs,
      initialize_samples: Object.fromEntries(Object.entries(spawnSamples).map(([label, samples]) => [label, samples.map((value) => round(value, 1))])),
      mcp,
      mcp_bin: binSession,
      in_process: inprocess,
      floor,
      bare,
      cli,
      claims,
      fleet_store:
        fleet === undefined
          ? null
          : { backend: "postgres", claims: fleet.claims, memory_usage_p50: fleet.memory_usage.p50, memory_usage_p95: fleet.memory_usage.p95 },
      prototype,
      targets: checks,
    };
    process.stdout.write(`\n${JSON.stringify(report, (key, value) => (key === "samples" ? undefined : value))}\n`);
    if (PROFILE_DIR)
      log(`CPU profiles in ${PROFILE_DIR} (server) and ${join(PROFILE_DIR, "doctor")}; summarize with node bench/src/summarize-profile.mjs FILE`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The PostgreSQL (fleet) store beside the libSQL file: claims/s with 1 and 4 processes, and the
 * in-process memory_usage call p50 (every call audited) with the store on PostgreSQL, on a
 * throwaway server of tooling/postgres-harness; undefined when none can start here.
 */
async function fleetStore(work, policyPath, prefix, count) {
  const server = await startPostgres();
  if ("available" in server) {
    log(`PostgreSQL unavailable (${server.reason}): no fleet-store figures`);
    return undefined;
  }
  try {
    log(`fleet store (PostgreSQL): ${count} approved requests, 1 and 4 processes; ${CALLS} × memory_usage in-process`);
    const claims = [
      await claimRace(work, 1, count, await server.createDatabase("bench_claims_1")),
      await claimRace(work, 4, count, await server.createDatabase("bench_claims_4")),
    ];
    const runtime = createRuntime({
      stateDir: join(work, "state-inproc-pg"),
      policyPath,
      commandPrefix: prefix,
      databaseUrl: await server.createDatabase("bench_calls"),
      hostId: "bench-host",
      env: {},
    });
    const caller = { caller: { kind: "embedded", name: "bench" } };
    await runtime.runTool("memory_usage", {}, caller);
    const samples = [];
    const started = performance.now();
    for (let index = 0; index < CALLS; index += 1) {
      const before = performance.now();
      const result = await runtime.runTool("memory_usage", {}, caller);
      samples.push(performance.now() - before);
      if (result.status !== "ok") throw new Error(`memory_usage on PostgreSQL: ${JSON.stringify(result)}`);
    }
    const memoryUsage = stats(samples, performance.now() - started);
    await runtime.close();
    return { claims, memory_usage: memoryUsage };
  } finally {
    await server.stop();
  }
}

main()
  .catch((error) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  })
  // A script, not a library: open handles of the libraries measured must not keep it running.
  .finally(() => process.exit());
