// The newer host and systemd tools over MCP: the real `mc mcp serve` subprocess, the SDK
// client over stdio. Names include network_interfaces, listening_sockets,
// installed_packages and read_log_file.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { harnessForTests } from "@mc/systemd-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MC_BIN = fileURLToPath(new URL("../bin/mc.js", import.meta.url));
const harness = await harnessForTests();

/** Each new tool with its risk level. */
const NEW_TOOLS: Record<string, "read_only" | "privileged"> = {
  list_units: "read_only",
  list_timers: "read_only",
  unit_file: "read_only",
  network_interfaces: "read_only",
  listening_sockets: "read_only",
  installed_packages: "read_only",
  read_log_file: "read_only",
  start_service: "privileged",
  stop_service: "privileged",
  enable_service: "privileged",
  disable_service: "privileged",
};

describe("the new host and systemd tools over MCP stdio", () => {
  let dir: string;
  let client: Client;
  let transport: StdioClientTransport;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "mc-mcp-host-tools-"));
    writeFileSync(join(dir, "policy.toml"), 'version = 1\n[tools.stop_service]\nservice_patterns = ["app-*.service"]\n');
    transport = new StdioClientTransport({
      command: process.execPath,
      args: [MC_BIN, "mcp", "serve"],
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? "/root",
        MC_STATE_DIR: join(dir, "state"),
        MC_POLICY_PATH: join(dir, "policy.toml"),
        ...(harness.available ? { MC_COMMAND_PREFIX: JSON.stringify(harness.prefix) } : {}),
      },
      stderr: "pipe",
    });
    client = new Client({ name: "mc-host-tools-test", version: "1.0.0" });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("should list every new tool with input and output JSON Schemas and annotations from its risk", async () => {
    const { tools } = await client.listTools();
    for (const [name, risk] of Object.entries(NEW_TOOLS)) {
      const tool = tools.find((candidate) => candidate.name === name);
      expect(tool, name).toBeDefined();
      expect(tool?.inputSchema.type, name).toBe("object");
      expect(tool?.outputSchema?.type, name).toBe("object");
      expect(tool?.annotations, name).toMatchObject({ readOnlyHint: risk === "read_only", destructiveHint: risk === "privileged", openWorldHint: false });
      expect(tool?._meta, name).toMatchObject({ "mc/risk": risk });
      expect(tool?.description?.length, name).toBeGreaterThan(60);
      if (risk === "privileged") expect(Object.keys(tool?.inputSchema.properties ?? {}), name).toContain("approval_id");
    }
    const properties = (name: string) => (tools.find((tool) => tool.name === name)?.inputSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
    expect(Object.keys(properties("read_journal"))).toEqual(expect.arrayContaining(["since", "until", "priority", "grep", "boot"]));
    expect(properties("read_journal").grep).toMatchObject({ type: "string", maxLength: 200 });
    expect(properties("list_units").type?.enum).toContain("timer");
    expect(properties("list_units").limit).toMatchObject({ minimum: 1, maximum: 500 });
    expect(Object.keys(properties("enable_service"))).toEqual(expect.arrayContaining(["unit", "scope", "now", "approval_id"]));
  });

  it("should refuse a malformed pattern, time and grep as input errors naming the argument", async () => {
    for (const [name, args, argument] of [
      ["list_units", { pattern: "--all" }, "pattern"],
      ["read_journal", { since: "yesterday" }, "since"],
      ["read_journal", { grep: "x".repeat(201) }, "grep"],
      ["start_service", { unit: "x.service; reboot" }, "unit"],
    ] as const) {
      const result = await client.callTool({ name, arguments: args });
      expect(result.isError, name).toBe(true);
      expect((result.content[0] as { text: string }).text, name).toMatch(new RegExp(`${argument}`));
    }
  });

  it("should hold a privileged call for approval and deny a unit outside service_patterns", async () => {
    const pending = await client.callTool({ name: "start_service", arguments: { unit: "mc-demo.service" } });
    expect((pending.structuredContent as { approval_id?: string }).approval_id).toMatch(/^apr_/);
    const denied = await client.callTool({ name: "stop_service", arguments: { unit: "mc-demo.service" } });
    expect(denied.isError).toBe(true);
    expect((denied.content[0] as { text: string }).text).toContain("unit_not_allowed");
  });

  it.skipIf(!harness.available)("should return list_units as structured content from the harness", async () => {
    const result = await client.callTool({ name: "list_units", arguments: { type: "service", pattern: "mc-demo.service" } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toStrictEqual({
      scope: "system",
      units: [{ unit: "mc-demo.service", load: "loaded", active: "active", sub: "running", description: "mc fixture: runs forever, cannot reload" }],
      total: 1,
      truncated: false,
    });
  });
});
