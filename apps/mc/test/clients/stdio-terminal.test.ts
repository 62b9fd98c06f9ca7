// `mc mcp serve` typed at a terminal seems to hang: it waits for an MCP client on stdin. It says so
// on stderr — only at a terminal (a pseudo-terminal from util-linux `script` here), never when a
// client starts it with pipes, where stdout and stderr stay free of it.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { childEnv, MC_BIN, tempDir } from "./support.js";

const NOTICE = "mc: serving MCP over stdio, waiting for a client on stdin";

describe("mc mcp serve at a terminal", () => {
  it("should say that it waits for a client when stdin is a terminal", async () => {
    const dir = tempDir("mc-stdio-tty-");
    // script gives the command a pty for stdin/stdout/stderr and copies what it writes to our pipe.
    const child = spawn("script", ["-q", "-e", "-c", `${JSON.stringify(process.execPath)} ${JSON.stringify(MC_BIN)} mcp serve`, "/dev/null"], {
      env: childEnv({ MC_STATE_DIR: join(dir, "state") }),
      stdio: ["pipe", "pipe", "pipe"],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    let output = "";
    const seen = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 20_000);
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(NOTICE)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.once("exit", () => {
        clearTimeout(timer);
        resolve(output.includes(NOTICE));
      });
    });
    expect(seen, output).toBe(true);
    // Ctrl-D on the terminal ends the session.
    child.stdin.write("\u0004");
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
  }, 30_000);

  it("should say nothing of the kind when a client starts it with pipes", async () => {
    const dir = tempDir("mc-stdio-pipe-");
    const child = spawn(process.execPath, [MC_BIN, "mcp", "serve"], { env: childEnv({ MC_STATE_DIR: join(dir, "state") }), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(`${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" })}\n`);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(0);
    expect(stderr).not.toContain("waiting for a client");
    expect(stdout).not.toContain("waiting for a client");
  }, 30_000);
});
