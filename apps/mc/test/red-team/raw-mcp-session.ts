// `mc mcp serve` driven over raw pipes, for attacks an SDK client would never send: oversized,
// endless, non-UTF-8 or deeply nested frames. Replies are collected line by line from stdout.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { childEnv, MC_BIN, REPO_ROOT } from "../clients/support.js";

/** One JSON-RPC message the server wrote. */
export type ServerMessage = { id?: string | number | null; result?: unknown; error?: { code: number; message: string }; method?: string };

/** A raw stdio session with `mc mcp serve`. */
export interface RawMcpSession {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Writes bytes to the server's stdin (a frame needs its own newline). */
  write(bytes: string | Buffer): void;
  /** Sends one JSON-RPC message as a line. */
  send(message: Record<string, unknown>): void;
  /**
   * Waits for the first message (not yet taken) that `match` accepts.
   * @returns the message, or rejects after `timeoutMs` (the server hangs) or when the server exits
   */
  next(match: (message: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  /** Peak resident memory of the server process (VmHWM), in bytes. */
  peakRss(): number;
  /** Whether the server process still runs. */
  alive(): boolean;
  /** Closes stdin and waits for the exit (kills it after 10 s). */
  close(): Promise<number | null>;
}

/**
 * Starts `mc mcp serve` (the workspace bin) in `stateDir` and initializes a session.
 * @param stateDir - MC_STATE_DIR of the server
 * @returns the session, initialized
 */
export async function openRawMcpSession(stateDir: string): Promise<RawMcpSession> {
  const child = spawn(process.execPath, [MC_BIN, "mcp", "serve"], {
    cwd: REPO_ROOT,
    env: childEnv({ MC_STATE_DIR: stateDir }),
    stdio: ["pipe", "pipe", "pipe"],
  });
  const messages: ServerMessage[] = [];
  const waiters = new Set<() => void>();
  let stdoutRest = "";
  let stderr = "";
  let exited = false;
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  child.stdout.on("data", (chunk: Buffer) => {
    const lines = (stdoutRest + chunk.toString("utf8")).split("\n");
    stdoutRest = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") messages.push(JSON.parse(line) as ServerMessage);
    wake();
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  // A server that stops reading makes our writes fail with EPIPE: that is the server's verdict, not ours.
  child.stdin.on("error", () => {});
  child.once("exit", () => {
    exited = true;
    wake();
  });
  const session: RawMcpSession = {
    child,
    stderr: () => stderr,
    write: (bytes) => void child.stdin.write(bytes),
    send: (message) => void child.stdin.write(`${JSON.stringify(message)}\n`),
    next(match, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const index = messages.findIndex(match);
          if (index !== -1) {
            done();
            resolve(messages.splice(index, 1)[0] as ServerMessage);
          } else if (exited) {
            done();
            reject(new Error(`the server exited; stderr: ${stderr.slice(-2000)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no matching message within ${timeoutMs} ms (the server hangs); stderr: ${stderr.slice(-2000)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    peakRss() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kilobytes = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
      return Number(kilobytes) * 1024;
    },
    alive: () => !exited,
    close() {
      return new Promise((resolve) => {
        if (exited) return resolve(child.exitCode);
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", (code) => {
          clearTimeout(timer);
          resolve(code);
        });
        child.stdin.end();
      });
    },
  };
  session.send({
    jsonrpc: "2.0",
    id: "init",
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "red-team", version: "1" } },
  });
  await session.next((message) => message.id === "init");
  session.send({ jsonrpc: "2.0", method: "notifications/initialized" });
  return session;
}
