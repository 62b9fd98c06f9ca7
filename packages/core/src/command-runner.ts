import { CommandTimeoutError, ToolFailureError } from "./errors/mc-error.js";
import type { Scope } from "./scope.js";

// execa costs ~150 ms to import; tools that never start a process (memory_usage, a denied
// call, `mc --version`) should not pay for it.
let execaModule: Promise<typeof import("execa")> | undefined;
const loadExeca = () => (execaModule ??= import("execa"));

/** Time limits of the systemd and host tools, in milliseconds. */
export const TIMEOUTS = {
  /** `ps`, `systemctl show` */
  query: 3_000,
  /** `systemctl list-units`, `journalctl` */
  list: 5_000,
  /** reload, restart, validators */
  action: 10_000,
} as const;

/** Output beyond this many characters (per stream) is cut and flagged as truncated. */
export const DEFAULT_MAX_OUTPUT_CHARS = 16_000;

/** A safe, fixed PATH: a root tool must not pick binaries from a caller-controlled PATH. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** How a runner is built. */
export interface CommandRunnerOptions {
  /**
   * argv put before every command, e.g. a container harness's `exec.sh`, so the same tools act
   * inside a container. Empty by default.
   */
  prefix?: readonly string[];
  /** Cap per output stream, in characters. Default 16,000. */
  maxOutputChars?: number;
  /** PATH given to children. Default {@link DEFAULT_PATH}. */
  path?: string;
  /** Where to take LANG, HOME, XDG_RUNTIME_DIR, DBUS_SESSION_BUS_ADDRESS from. Default `process.env`. */
  sourceEnv?: Readonly<Record<string, string | undefined>>;
}

/** Options of one command. */
export interface RunOptions {
  /** Kill the process group after this many milliseconds. */
  timeoutMs: number;
  /** `user` adds the user session's environment. Default `system`. */
  scope?: Scope;
  /** Aborts the command (kills its process group). */
  signal?: AbortSignal;
}

/** What a finished command produced. A non-zero exit is a result, not an error. */
export interface CommandResult {
  /** The argv that ran, prefix included. */
  argv: readonly string[];
  /** Exit code; null when killed by a signal (the output cap kills a flooding child). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The output was cut at the cap. */
  truncated: boolean;
  durationMs: number;
}

/** Runs commands argv only, no shell, bounded time and output, a scrubbed environment. Tools get one through their context. */
export interface CommandRunner {
  /** The prefix this runner puts before every command. */
  readonly prefix: readonly string[];
  /**
   * Runs `file` with `args` as argv: never a shell, stdin closed, reduced environment.
   * @param file - program name or absolute path
   * @param args - its arguments, passed as they are
   * @param options - timeout, scope, abort signal
   * @returns exit code and (possibly truncated) output
   * @throws CommandTimeoutError when the time limit passed (the process group is killed)
   * @throws ToolFailureError when the program could not be started
   */
  run(file: string, args: readonly string[], options: RunOptions): Promise<CommandResult>;
}

/**
 * Builds the environment a child gets: PATH, LANG, LC_ALL=C.UTF-8, and for user scope the
 * session's XDG_RUNTIME_DIR, DBUS_SESSION_BUS_ADDRESS and HOME. Nothing else leaks through.
 * @param scope - system or user
 * @param options - PATH and where to read the session variables from
 * @returns a fresh environment object
 */
export function childEnvironment(
  scope: Scope,
  options: { path?: string; sourceEnv?: Readonly<Record<string, string | undefined>> } = {},
): Record<string, string> {
  const source = options.sourceEnv ?? process.env;
  const env: Record<string, string> = {
    PATH: options.path ?? DEFAULT_PATH,
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
  };
  if (scope === "user") {
    const uid = typeof process.getuid === "function" ? process.getuid() : 0;
    const runtimeDir = source.XDG_RUNTIME_DIR ?? `/run/user/${uid}`;
    env.XDG_RUNTIME_DIR = runtimeDir;
    env.DBUS_SESSION_BUS_ADDRESS = source.DBUS_SESSION_BUS_ADDRESS ?? `unix:path=${runtimeDir}/bus`;
    if (source.HOME !== undefined) env.HOME = source.HOME;
  }
  return env;
}

/**
 * Creates the command runner (execa underneath).
 * @param options - command prefix, output cap, PATH
 * @returns a runner that never uses a shell and kills the whole process group on timeout
 * @example
 * const runner = createCommandRunner();
 * const { stdout } = await runner.run("systemctl", ["show", "nginx.service"], { timeoutMs: TIMEOUTS.query });
 */
export function createCommandRunner(options: CommandRunnerOptions = {}): CommandRunner {
  const prefix = [...(options.prefix ?? [])];
  const cap = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;

  async function run(file: string, args: readonly string[], runOptions: RunOptions): Promise<CommandResult> {
    const argv = [...prefix, file, ...args];
    const [program, ...rest] = argv as [string, ...string[]];
    const started = performance.now();
    const scope = runOptions.scope ?? "system";
    if (runOptions.signal?.aborted) {
      throw new ToolFailureError(`Cancelled by the caller before ${program} started.`, { data: { argv } });
    }
    const { execa } = await loadExeca();
    const child = execa(program, rest, {
      shell: false,
      stdin: "ignore",
      env: childEnvironment(scope, options),
      extendEnv: false,
      // A process group of its own, so a timeout kills the command and everything it started.
      detached: true,
      reject: false,
      stripFinalNewline: false,
      // Reading stops at the cap (plus one character, to know the output was longer).
      maxBuffer: cap + 1,
      encoding: "utf8",
    });
    let timedOut = false;
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // The group is already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, runOptions.timeoutMs);
    let cancelled = false;
    const onAbort = () => {
      cancelled = true;
      killGroup();
    };
    runOptions.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const result = await child;
      if (timedOut) throw new CommandTimeoutError(argv, runOptions.timeoutMs);
      if (cancelled) {
        throw new ToolFailureError(`Cancelled by the caller: ${program} and everything it started were killed.`, { data: { argv } });
      }
      if (result.failed && result.exitCode === undefined && !result.isMaxBuffer && result.signal === undefined) {
        throw new ToolFailureError(`Could not start ${program}: ${result.originalMessage ?? result.shortMessage}`, {
          data: { argv },
          cause: result.cause,
        });
      }
      if (result.isMaxBuffer) killGroup();
      const stdout = String(result.stdout ?? "");
      const stderr = String(result.stderr ?? "");
      const truncated = result.isMaxBuffer || stdout.length > cap || stderr.length > cap;
      return {
        argv,
        exitCode: result.exitCode ?? null,
        stdout: stdout.slice(0, cap),
        stderr: stderr.slice(0, cap),
        truncated,
        durationMs: performance.now() - started,
      };
    } finally {
      clearTimeout(timer);
      runOptions.signal?.removeEventListener("abort", onAbort);
    }
  }

  return { prefix, run };
}
