import { readdir, readFile, readlink } from "node:fs/promises";
import { execa } from "execa";
import { HarnessError } from "./errors/harness-error.js";
import { parseHarnessEnv } from "./harness-env.js";
import { harnessScripts } from "./harness-scripts.js";

/** The machine name exec.sh assumes when it is given no `--state`. */
export const DEFAULT_MACHINE = "mcproject";

/** Which harness to start or stop; every field falls back to the MC_HARNESS_* variable, then the default. */
export interface HarnessOptions {
  /** Container name (MC_HARNESS_MACHINE, default "mcproject"). Harnesses with different names run side by side. */
  machine?: string;
  /** State directory (MC_HARNESS_STATE, default `/tmp/mc-harness-<machine>`). */
  stateDir?: string;
  /** Rootfs cache (MC_HARNESS_CACHE, default `~/.cache/mc-harness`). */
  cacheDir?: string;
  /** Time limit for the script in milliseconds. Default 10 minutes (a cold start builds the rootfs). */
  timeoutMs?: number;
}

/** What a command run inside the container produced. */
export interface HarnessExecResult {
  /** Exit status of the command; null when it was killed by a signal. */
  exitCode: number | null;
  /** Its standard output, final newline kept. */
  stdout: string;
  /** Its standard error, final newline kept. */
  stderr: string;
}

/** Options of {@link HarnessHandle.exec}. */
export interface HarnessExecOptions {
  /** Run as the test user mctest (uid 1000) instead of root. */
  user?: boolean;
  /** Written to the command's stdin, which is then closed. Default: empty stdin. */
  input?: string;
  /** Kill the command after this many milliseconds. Default 30,000. */
  timeoutMs?: number;
}

/** A running harness. */
export interface HarnessHandle {
  /** Discriminant: the harness is up. */
  available: true;
  /** Container name. */
  machine: string;
  /**
   * Command prefix that runs the rest of the argv inside as root (with root's user manager
   * reachable through `systemctl --user`): `[exec.sh]`, plus `--state=DIR` for a harness that
   * is not the default one. Give it to `createCommandRunner({ prefix })`.
   */
  prefix: string[];
  /** Like {@link HarnessHandle.prefix}, but as the test user mctest (adds `--user`). */
  userPrefix: string[];
  /** Host directory mounted at the same path inside: files written here are visible to commands. */
  sharePath: string;
  /** Everything up.sh reported (harness.env): MC_HARNESS_MACHINE, _LEADER, _USER, _USER_UID, _BOOT_MS, … */
  env: Record<string, string>;
  /**
   * Runs argv inside the container; a non-zero exit is a result, not an error.
   * @param args - program and arguments
   * @param options - as mctest, stdin text, time limit
   * @returns exit code and output
   */
  exec(args: readonly string[], options?: HarnessExecOptions): Promise<HarnessExecResult>;
  /**
   * The host pid of a process the container knows as `containerPid`: the container has a PID
   * namespace of its own, and what reads the host's /proc (process_to_unit) needs the host's pid.
   * @param containerPid - the pid inside the container (e.g. a unit's MainPID)
   * @returns the host pid
   * @throws Error when no host process has it
   */
  hostPid(containerPid: number): Promise<number>;
}

/** The harness cannot run on this machine (up.sh exit 77, or not root). */
export interface HarnessUnavailable {
  /** Discriminant: no harness. */
  available: false;
  /** Why, in a sentence (up.sh's stderr). */
  reason: string;
}

/**
 * The environment the scripts get: the caller's, with the options as MC_HARNESS_* variables.
 * @param options - machine, state and cache directories
 * @returns environment for execa
 */
export function harnessScriptEnv(options: HarnessOptions): Record<string, string | undefined> {
  return {
    ...process.env,
    ...(options.machine === undefined ? {} : { MC_HARNESS_MACHINE: options.machine }),
    ...(options.stateDir === undefined ? {} : { MC_HARNESS_STATE: options.stateDir }),
    ...(options.cacheDir === undefined ? {} : { MC_HARNESS_CACHE: options.cacheDir }),
  };
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return (lines[lines.length - 1] ?? "").replace(/^\[mc-harness\] (unavailable: |failed: )?/, "");
}

/**
 * Boots the harness with up.sh, or reuses the one already running under the same name.
 * @param options - which harness, and the time limit
 * @returns the handle, or why this machine cannot run it
 * @throws HarnessError when up.sh fails for another reason (exit 1) or prints no harness.env
 */
export async function startHarness(options: HarnessOptions = {}): Promise<HarnessHandle | HarnessUnavailable> {
  if (process.platform !== "linux") return { available: false, reason: `needs Linux, not ${process.platform}` };
  if (process.getuid?.() !== 0) return { available: false, reason: "needs root (systemd-nspawn and nsenter)" };
  // stdin ignored and no inherited pipes: up.sh leaves a container running, which must not
  // hold any pipe of ours open.
  const result = await execa(harnessScripts.up, [], {
    env: harnessScriptEnv(options),
    extendEnv: false,
    stdin: "ignore",
    reject: false,
    timeout: options.timeoutMs ?? 600_000,
  });
  if (result.exitCode === 77) return { available: false, reason: lastLine(result.stderr) || "up.sh exited 77" };
  const env = parseHarnessEnv(result.stdout);
  if (result.exitCode !== 0 || env.MC_HARNESS_READY !== "1") {
    const why = result.timedOut ? "timed out" : `exited ${result.exitCode ?? result.signal ?? "?"}`;
    throw new HarnessError(`up.sh ${why}: ${lastLine(result.stderr) || "no output"}`, {
      script: harnessScripts.up,
      exitCode: result.exitCode ?? null,
      stderr: result.stderr,
    });
  }
  const machine = env.MC_HARNESS_MACHINE ?? DEFAULT_MACHINE;
  const stateDir = env.MC_HARNESS_STATE ?? "";
  // exec.sh runs under mc's runner with almost no environment, so a harness other than the
  // default one is named on its command line.
  const prefix = stateDir === `/tmp/mc-harness-${DEFAULT_MACHINE}` ? [harnessScripts.exec] : [harnessScripts.exec, `--state=${stateDir}`];
  const userPrefix = [...prefix, "--user"];
  const exec: HarnessHandle["exec"] = async (args, execOptions = {}) => {
    const [program, ...rest] = [...(execOptions.user === true ? userPrefix : prefix), ...args] as [string, ...string[]];
    const run = await execa(program, rest, {
      reject: false,
      stripFinalNewline: false,
      timeout: execOptions.timeoutMs ?? 30_000,
      ...(execOptions.input === undefined ? { stdin: "ignore" as const } : { input: execOptions.input }),
    });
    return { exitCode: run.exitCode ?? null, stdout: String(run.stdout), stderr: String(run.stderr) };
  };
  return {
    available: true,
    machine,
    prefix,
    userPrefix,
    sharePath: env.MC_HARNESS_SHARE ?? `${stateDir}/share`,
    env,
    exec,
    async hostPid(containerPid) {
      const namespace = (await exec(["readlink", "/proc/self/ns/pid"])).stdout.trim();
      return hostPidInNamespace(namespace, containerPid);
    },
  };
}

async function hostPidInNamespace(namespace: string, containerPid: number): Promise<number> {
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if ((await readlink(`/proc/${entry}/ns/pid`)) !== namespace) continue;
      const status = await readFile(`/proc/${entry}/status`, "utf8");
      const nsPids = /^NSpid:\s+(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/).map(Number) ?? [];
      if (nsPids.at(-1) === containerPid) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  throw new Error(`no host process for container pid ${containerPid} in ${namespace}`);
}
