import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { harnessForTests } from "@mc/systemd-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MC_BIN = fileURLToPath(new URL("../bin/mc.js", import.meta.url));
const harness = await harnessForTests();
const execFileAsync = promisify(execFile);

interface Session {
  client: Client;
  transport: StdioClientTransport;
  stderr: string[];
}

/** Spawns `mc mcp serve` as a real subprocess and connects the SDK client to it over stdio. */
async function connect(env: Record<string, string>): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MC_BIN, "mcp", "serve"],
    // The SDK passes the child only an allow-list of variables: MC_* must be given here.
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", ...env },
    stderr: "pipe",
  });
  const stderr: string[] = [];
  transport.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const client = new Client({ name: "mc-stdio-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport, stderr };
}

describe("mc mcp serve over stdio", () => {
  let dir: string;
  let session: Session;
  let sessionEnv: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mc-mcp-"));
    writeFileSync(
      join(dir, "policy.toml"),
      ["version = 1", "", "[tools.system_info]", "enabled = false", "", "[tools.service_status]", 'allowed_scopes = ["system", "user"]', ""].join("\n"),
    );
    sessionEnv = {
      MC_STATE_DIR: join(dir, "state"),
      MC_POLICY_PATH: join(dir, "policy.toml"),
      ...(harness.available ? { MC_COMMAND_PREFIX: JSON.stringify(harness.prefix) } : {}),
    };
    session = await connect(sessionEnv);
  });

  afterAll(async () => {
    const pid = session?.transport.pid;
    await session?.client.close();
    if (pid) {
      // The server must exit once its stdin is closed.
      const deadline = Date.now() + 5_000;
      while (processExists(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      if (processExists(pid)) throw new Error(`mc mcp serve (pid ${pid}) still runs 5 s after its client closed`);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("should answer initialize with its name and a supported protocol version", () => {
    expect(session.client.getServerVersion()?.name).toBe("mc");
    expect(session.client.getNegotiatedProtocolVersion()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(session.client.getInstructions()).toContain("mc approvals approve");
  });

  it("should answer ping", async () => {
    await expect(session.client.ping()).resolves.toBeDefined();
  });

  it("should list every tool with JSON Schema input and output and annotations from its risk", async () => {
    const { tools } = await session.client.listTools();
    const names = tools.map((tool) => tool.name).sort();
    expect(names).toEqual(expect.arrayContaining(["memory_usage", "service_status", "system_info"]));
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type).toBe("object");
      expect(tool.annotations?.openWorldHint).toBe(false);
      expect(typeof tool.description).toBe("string");
    }
    const status = tools.find((tool) => tool.name === "service_status");
    expect(status?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(Object.keys(status?.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(["unit", "scope"]));
    // Each tool names the package (and version) whose schemas define it.
    expect(status?._meta).toMatchObject({ "mc/risk": "read_only", "mc/package": "@mc/tools-systemd", "mc/version": expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(tools.find((tool) => tool.name === "read_config_file")?._meta).toMatchObject({ "mc/package": "@mc/tools-config" });
    const restart = tools.find((tool) => tool.name === "restart_service");
    if (restart) expect(restart.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    // Approval is out of band: no listed tool can approve or reject.
    expect(names.filter((name) => /approv|reject/.test(name))).toStrictEqual([]);
  });

  it("should return structured content for a successful read-only call", async () => {
    const result = await session.client.callTool({ name: "memory_usage", arguments: {} });
    expect(result.isError).toBeFalsy();
    const memory = result.structuredContent as { total_bytes: number; available_bytes: number };
    expect(memory.total_bytes).toBeGreaterThan(0);
    expect(memory.available_bytes).toBeGreaterThan(0);
    expect(result.content[0]).toMatchObject({ type: "text" });
  });

  it("should return a policy denial as an isError result with its reason", async () => {
    const result = await session.client.callTool({ name: "system_info", arguments: {} });
    expect(result.isError).toBe(true);
    const text = (result.content[0] as { text: string }).text;
    expect(text).toContain("tool_disabled");
    expect(text).toContain("system_info");
  });

  it("should refuse a bad unit name as an input error naming the argument", async () => {
    const result = await session.client.callTool({ name: "service_status", arguments: { unit: "nginx.service; rm -rf /" } });
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toMatch(/input_invalid.*unit/s);
  });

  it("should refuse an unknown argument and an out-of-range one", async () => {
    const extra = await session.client.callTool({ name: "memory_usage", arguments: { verbose: true } });
    expect(extra.isError).toBe(true);
    const range = await session.client.callTool({ name: "top_processes", arguments: { limit: 500 } });
    expect(range.isError).toBe(true);
    expect((range.content[0] as { text: string }).text).toMatch(/limit/);
  });

  it("should let no listed tool change an approval's state, whatever the arguments", async () => {
    const pending = await session.client.callTool({ name: "restart_service", arguments: { unit: "mc-demo.service" } });
    const id = (pending.structuredContent as { approval_id: string }).approval_id;
    const hostile = [
      { approval_id: id },
      { id, status: "approved" },
      { approval_id: id, approve: true, approver: "mcp-client" },
      { unit: "mc-demo.service", approval_id: id },
      { unit: "mc-demo.service", approval_id: id, status: "approved" },
    ];
    const { tools } = await session.client.listTools();
    for (const tool of tools) {
      for (const args of hostile) await session.client.callTool({ name: tool.name, arguments: args });
    }
    // The same call repeated with the id of a request nobody approved does not run either.
    const repeated = await session.client.callTool({ name: "restart_service", arguments: { unit: "mc-demo.service", approval_id: id } });
    expect(repeated.isError).toBe(true);
    expect((repeated.content[0] as { text: string }).text).toContain("approval_invalid");
    const { stdout } = await execFileAsync(process.execPath, [MC_BIN, "approvals", "show", id, "--json"], {
      env: { ...sessionEnv, PATH: process.env.PATH ?? "/usr/bin:/bin" },
    });
    expect(JSON.parse(stdout)).toMatchObject({ approval: { id, status: "pending", decided_by: null } });
  });

  describe.skipIf(!harness.available)("against the real systemd container", () => {
    it("should report service_status of a running fixture unit in system scope", async () => {
      const result = await session.client.callTool({ name: "service_status", arguments: { unit: "mc-demo.service" } });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ id: "mc-demo.service", active_state: "active", load_state: "loaded" });
    });

    it("should report service_status of a fixture unit in user scope", async () => {
      const result = await session.client.callTool({ name: "service_status", arguments: { unit: "mc-user-demo.service", scope: "user" } });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ id: "mc-user-demo.service", active_state: "active" });
    });
  });
});

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
