// `mc mcp serve` answers tools/list from bytes it encoded once. Over the real stdio pipe: every
// answer carries the request's own id (numbers, strings, odd characters), is the same list the SDK
// client reads, lists come in the order asked, and a tool call between them is answered too.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { describe, expect, it } from "vitest";
import { childEnv, MC_BIN, rawMcpServer, tempDir } from "./support.js";

interface Answer {
  jsonrpc: string;
  id: unknown;
  result?: { tools?: Array<{ name: string }>; structuredContent?: unknown };
  error?: unknown;
}

describe("tools/list over stdio", () => {
  it("should answer each tools/list with its own id, the list the SDK client reads, in order, beside a tool call", async () => {
    const dir = tempDir("mc-list-stdio-");
    writeFileSync(join(dir, "policy.toml"), "version = 1\n");
    const env = childEnv({ MC_STATE_DIR: join(dir, "state"), MC_POLICY_PATH: join(dir, "policy.toml") });

    const client = new Client({ name: "mc-list-stdio", version: "1.0.0" });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [MC_BIN, "mcp", "serve"], env, stderr: "pipe" }));
    const viaSdk = await client.listTools();
    await client.close();
    expect(viaSdk.tools.length).toBeGreaterThan(20);

    const server = rawMcpServer<Answer>(env);
    try {
      server.send({
        jsonrpc: "2.0",
        id: 0,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
      });
      await server.waitFor(1);
      server.send({ jsonrpc: "2.0", method: "notifications/initialized" });
      const ids: unknown[] = [1, 'list-"quoted"\n\u2028é', 2 ** 40, "x"];
      // One chunk: lists and a tool call between them; the answers come in this order.
      server.send(
        { jsonrpc: "2.0", id: ids[0], method: "tools/list" },
        { jsonrpc: "2.0", id: ids[1], method: "tools/list" },
        { jsonrpc: "2.0", id: "call", method: "tools/call", params: { name: "memory_usage", arguments: {} } },
        { jsonrpc: "2.0", id: ids[2], method: "tools/list" },
        { jsonrpc: "2.0", id: ids[3], method: "tools/list" },
      );
      await server.waitFor(6);
      const rest = server.answers().slice(1);
      // Lists are answered in the order asked; the call, which opens the database, may come anywhere.
      expect(rest.map((answer) => answer.id).filter((id) => id !== "call")).toStrictEqual(ids);
      for (const answer of rest.filter((each) => each.id !== "call")) {
        expect(answer.jsonrpc).toBe("2.0");
        expect(answer.result).toStrictEqual(JSON.parse(JSON.stringify(viaSdk)));
      }
      expect(rest.find((answer) => answer.id === "call")?.result?.structuredContent).toMatchObject({ total_bytes: expect.any(Number) });
    } finally {
      await server.close();
    }
  });
});
