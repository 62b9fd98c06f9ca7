// A client that cancels a tools/call must not leave the command running on the host: the server
// kills the command's whole process group, the call is audited as failed with the reason, and
// the server goes on answering.
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { waitFor } from "@mc/systemd-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MC_BIN = fileURLToPath(new URL("../bin/mc.js", import.meta.url));
const run = promisify(execFile);

/** Gone: no /proc entry, or a zombie waiting for this host's init to reap it. */
function isDead(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return true;
  }
}

/** The two pids the hanging command wrote, once it wrote both. */
function reportedPids(path: string): number[] | undefined {
  try {
    const lines = readFileSync(path, "utf8").trim().split("\n").filter(Boolean);
    return lines.length === 2 ? lines.map(Number) : undefined;
  } catch {
    return undefined;
  }
}

describe("a tools/call cancelled by the MCP client", () => {
  let dir: string;
  let env: Record<string, string>;
  let client: Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mc-cancel-"));
    // The command prefix stands in for a systemctl that hangs: it starts a child, reports both
    // pids, and waits.
    const prefix = join(dir, "hang.sh");
    writeFileSync(prefix, `#!/bin/sh\nsleep 60 &\necho "$!" > ${join(dir, "pids")}\necho "$$" >> ${join(dir, "pids")}\nwait\n`);
    chmodSync(prefix, 0o755);
    writeFileSync(join(dir, "policy.toml"), "version = 1\n");
    env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/root",
      MC_STATE_DIR: join(dir, "state"),
      MC_POLICY_PATH: join(dir, "policy.toml"),
      MC_COMMAND_PREFIX: JSON.stringify([prefix]),
    };
    client = new Client({ name: "mc-cancel-test", version: "1.0.0" });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [MC_BIN, "mcp", "serve"], env, stderr: "pipe" }));
  });

  afterAll(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("should kill the command with its children, audit the call as cancelled and keep serving", async () => {
    const controller = new AbortController();
    const call = client
      .callTool({ name: "service_status", arguments: { unit: "app.service" } }, { signal: controller.signal })
      .catch((error: unknown) => error);
    const pids = await waitFor(() => reportedPids(join(dir, "pids")), { timeoutMs: 10_000, description: "the hanging command to start" });
    controller.abort("the user pressed stop");
    expect(await call).toBeInstanceOf(Error);

    for (const pid of pids) {
      await waitFor(() => isDead(pid), { timeoutMs: 5_000, description: `process ${pid} to be killed` });
    }
    const event = await waitFor(
      async () => {
        const { stdout } = await run(process.execPath, [MC_BIN, "audit", "list", "--tool", "service_status", "--json"], { env });
        return (JSON.parse(stdout) as { events: { outcome: string; error: string | null; caller: string }[] }).events[0];
      },
      { timeoutMs: 10_000, description: "the cancelled call in the audit journal" },
    );
    expect(event).toMatchObject({ outcome: "failed", caller: "mcp" });
    expect(event.error).toMatch(/Cancelled by the caller: .*hang\.sh and everything it started were killed/);

    await expect(client.ping()).resolves.toBeDefined();
    const next = await client.callTool({ name: "memory_usage", arguments: {} });
    expect(next.isError).toBeFalsy();
  });
});
