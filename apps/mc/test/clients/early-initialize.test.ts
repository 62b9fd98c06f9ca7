// `mc mcp serve` answers a plain `initialize` before it loads the MCP SDK and the runtime, then
// hands the same request to the SDK, compares the SDK's answer with the one it sent and drops it
// (a difference goes to stderr). Over the real stdio pipe: the early answer equals the SDK's own
// for every protocol version the SDK supports and for versions it does not; what the client sends
// before the SDK is ready (tools/list, tools/call, ping, notifications, a request reusing the
// initialize id) is answered in full, once each; and the real SDK client works as before.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client, SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { describe, expect, it } from "vitest";
import { childEnv, MC_BIN, rawMcpServer, tempDir } from "./support.js";

interface Answer {
  jsonrpc: string;
  id: unknown;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

/** Whether a line is an early answer: mc writes `{"jsonrpc":"2.0","id":…,"result":…}`, the SDK `{"result":…` first. */
function isEarly(line: string | undefined): boolean {
  return line !== undefined && line.startsWith('{"jsonrpc":"2.0","id":') && "result" in (JSON.parse(line) as object);
}
const MISMATCH = /differs from the SDK's/;

function serverEnv(): Record<string, string> {
  const dir = tempDir("mc-early-init-");
  writeFileSync(join(dir, "policy.toml"), "version = 1\n");
  return childEnv({ MC_STATE_DIR: join(dir, "state"), MC_POLICY_PATH: join(dir, "policy.toml") });
}

function initialize(id: string | number, protocolVersion: string, params: Record<string, unknown> = {}) {
  return {
    jsonrpc: "2.0",
    id,
    method: "initialize",
    params: {
      protocolVersion,
      capabilities: { roots: { listChanged: true }, sampling: {}, elicitation: {} },
      clientInfo: { name: "raw", version: "1" },
      ...params,
    },
  };
}

/** The SDK's own answer to `initialize`: an empty `_meta` sends it past the early answer. */
async function sdkAnswer(env: Record<string, string>, protocolVersion: string): Promise<Answer> {
  const server = rawMcpServer<Answer>(env);
  try {
    server.send(initialize(1, protocolVersion, { _meta: {} }));
    await server.waitFor(1);
    expect(isEarly(server.lines[0])).toBe(false);
    return server.answers()[0] as Answer;
  } finally {
    await server.close();
  }
}

describe("the early answer to initialize", () => {
  const versions = [...SUPPORTED_PROTOCOL_VERSIONS, "2026-07-28", "1999-01-01", "garbage", ""];

  it.each(versions)("should equal the SDK's own answer for protocol version %j", async (version) => {
    const env = serverEnv();
    const expected = await sdkAnswer(env, version);
    const server = rawMcpServer<Answer>(env);
    try {
      server.send(initialize("init", version));
      await server.waitFor(1);
      expect(isEarly(server.lines[0]), "answered early").toBe(true);
      expect(server.answers()[0]).toStrictEqual({ ...expected, id: "init" });
      // The SDK has processed the same initialize once ping is answered: no difference reported.
      server.send({ jsonrpc: "2.0", method: "notifications/initialized" }, { jsonrpc: "2.0", id: "ping", method: "ping" });
      await server.waitFor(2);
      expect(server.answers()[1]).toStrictEqual({ jsonrpc: "2.0", id: "ping", result: {} });
      expect(await server.close()).toBe(0);
      expect(server.lines).toHaveLength(2);
      expect(server.stderr()).not.toMatch(MISMATCH);
    } finally {
      await server.close();
    }
  });

  it("should answer everything sent before the SDK is ready, once each and in full, a request reusing the initialize id included", async () => {
    const env = serverEnv();
    const server = rawMcpServer<Answer>(env);
    try {
      // One write: the whole opening exchange arrives before the SDK is loaded.
      server.send(
        initialize(7, "2025-06-18"),
        { jsonrpc: "2.0", method: "notifications/initialized" },
        { jsonrpc: "2.0", id: 7, method: "ping" },
        { jsonrpc: "2.0", id: "list", method: "tools/list" },
        { jsonrpc: "2.0", method: "notifications/roots/list_changed" },
        { jsonrpc: "2.0", id: "call", method: "tools/call", params: { name: "memory_usage", arguments: {} } },
        { jsonrpc: "2.0", id: "nothing", method: "no/such/method" },
        { jsonrpc: "2.0", id: "bad params", method: "ping", params: 5 },
        { jsonrpc: "2.0", id: 8, method: "ping" },
      );
      await server.waitFor(7);
      const answers = server.answers();
      expect(answers[0]).toMatchObject({ id: 7, result: { protocolVersion: "2025-06-18", serverInfo: { name: "mc" } } });
      const byId = new Map(answers.slice(1).map((answer) => [JSON.stringify(answer.id), answer]));
      expect(byId.size).toBe(6);
      expect(byId.get("7")).toStrictEqual({ jsonrpc: "2.0", id: 7, result: {} });
      expect(byId.get("8")).toStrictEqual({ jsonrpc: "2.0", id: 8, result: {} });
      expect((byId.get('"list"')?.result?.tools as unknown[]).length).toBeGreaterThan(20);
      expect(byId.get('"call"')?.result?.structuredContent).toMatchObject({ total_bytes: expect.any(Number) });
      expect(byId.get('"nothing"')?.error?.code).toBe(-32601);
      expect(byId.get('"bad params"')?.error?.code).toBe(-32602);
      expect(await server.close()).toBe(0);
      // Exactly one answer per request: the SDK's answer to the initialize was dropped.
      expect(server.lines).toHaveLength(7);
      expect(server.stderr()).not.toMatch(MISMATCH);
    } finally {
      await server.close();
    }
  });

  it("should leave an initialize the SDK may refuse, or one that is not first, to the SDK", async () => {
    const env = serverEnv();
    for (const [opening, request] of [
      [[], initialize(1, "2025-06-18", { clientInfo: { name: "raw" } })],
      [[], initialize(1, "2025-06-18", { capabilities: { roots: { listChanged: "yes" } } })],
      [[], { ...initialize(1, "2025-06-18"), extra: true }],
      [[{ jsonrpc: "2.0", id: 0, method: "ping" }], initialize(1, "2025-06-18")],
    ] as const) {
      const server = rawMcpServer<Answer>(env);
      try {
        // A ping after it: once it is answered, the SDK has dealt with the initialize (the SDK
        // answers most with an error; a message with an unknown member it drops unanswered).
        server.send(...opening, request, { jsonrpc: "2.0", id: "after", method: "ping" });
        while (!server.answers().some((answer) => answer.id === "after")) await server.waitFor(server.lines.length + 1);
        for (const line of server.lines) expect(isEarly(line)).toBe(false);
      } finally {
        await server.close();
      }
      expect(server.stderr()).not.toMatch(MISMATCH);
    }
  });

  it("should serve the real SDK client with requests sent as soon as it is connected", async () => {
    const client = new Client({ name: "mc-early-init", version: "1.0.0" });
    const transport = new StdioClientTransport({ command: process.execPath, args: [MC_BIN, "mcp", "serve"], env: serverEnv(), stderr: "pipe" });
    let stderr = "";
    transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await client.connect(transport);
    try {
      expect(client.getServerVersion()?.name).toBe("mc");
      expect(client.getInstructions()).toMatch(/approval_required/);
      const [tools, call] = await Promise.all([client.listTools(), client.callTool({ name: "memory_usage", arguments: {} }), client.ping()]);
      expect(tools.tools.length).toBeGreaterThan(20);
      expect(call.isError).toBeFalsy();
      expect(call.structuredContent).toMatchObject({ total_bytes: expect.any(Number) });
    } finally {
      await client.close();
    }
    expect(stderr).not.toMatch(MISMATCH);
  });
});
