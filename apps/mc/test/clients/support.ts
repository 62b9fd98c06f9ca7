// Shared helpers of the client tests: paths, temp dirs, `mc` subprocesses. Children run without
// a shell, argv only.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";

/** Root of the repository. */
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
/** The `mc` bin of @mc/cli (what a global `mc` install runs). */
export const MC_BIN = join(REPO_ROOT, "packages/cli/bin/mc.js");

/**
 * A temp dir removed when the current test (or, from beforeAll, the file) finishes.
 * @param prefix - name prefix
 * @param inTest - register cleanup with onTestFinished (false: the caller removes it)
 * @returns the directory
 */
export function tempDir(prefix: string, inTest = true): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (inTest) onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The environment a child needs: the basics plus `extra` (nothing else of ours leaks in).
 * @param extra - MC_* and other settings
 * @returns the environment
 */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", LANG: "C.UTF-8", ...extra };
}

/** What a finished child printed. */
export interface ChildResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion (no shell), killing it after `timeoutMs`.
 * @param command - executable
 * @param args - arguments
 * @param options - environment, working dir, timeout
 * @returns exit code and output
 */
export function run(
  command: string,
  args: readonly string[],
  options: { env: Record<string, string>; cwd?: string; timeoutMs?: number },
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd ?? REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr });
    });
  });
}

/**
 * Runs `mc` (the workspace's bin) with `args`.
 * @param args - arguments after `mc`
 * @param env - the child's environment
 * @returns exit code and output
 */
export function runMc(args: readonly string[], env: Record<string, string>): Promise<ChildResult> {
  return run(process.execPath, [MC_BIN, ...args], { env });
}

/**
 * Whether a process is alive.
 * @param pid - process id
 * @returns true while it runs
 */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits for `mc mcp serve --http` to print its URL on stderr.
 * @param child - the server process (stderr piped)
 * @returns the URL
 */
export function announcedUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`no URL within 20 s; stderr: ${stderr}`)), 20_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /serving MCP \(Streamable HTTP\) at (http:\/\/\S+)/.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`mc mcp serve --http exited (${code}) before serving: ${stderr}`));
    });
  });
}

/**
 * `mc mcp serve` (the bin) spoken to line by line, without an SDK client: every answer kept as its
 * raw line, in order.
 * @param env - the child's environment
 * @returns the lines, stderr, a parser of the answers, send, waitFor(count) and close
 */
export function rawMcpServer<Answer = unknown>(env: Record<string, string>) {
  const child = spawn(process.execPath, [MC_BIN, "mcp", "serve"], { env, stdio: ["pipe", "pipe", "pipe"] });
  const lines: string[] = [];
  let stderr = "";
  let buffered = "";
  let notify: (() => void) | undefined;
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
      lines.push(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
    }
    notify?.();
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return {
    lines,
    stderr: () => stderr,
    answers: () => lines.map((line) => JSON.parse(line) as Answer),
    send: (...messages: unknown[]) => child.stdin.write(messages.map((message) => `${JSON.stringify(message)}\n`).join("")),
    async waitFor(count: number): Promise<void> {
      const deadline = Date.now() + 30_000;
      while (lines.length < count) {
        if (Date.now() > deadline) throw new Error(`waited for ${count} answers, got ${lines.length}; stderr: ${stderr}`);
        await new Promise<void>((resolve) => {
          notify = resolve;
          setTimeout(resolve, 200);
        });
      }
    },
    async close(): Promise<number | null> {
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
