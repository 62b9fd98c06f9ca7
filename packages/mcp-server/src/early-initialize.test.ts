import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage } from "@modelcontextprotocol/server";
import type { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import { describe, expect, it } from "vitest";
import { earlyInitializeAnswer, INITIALIZE_PROTOCOL_VERSIONS } from "./early-initialize.js";
import { dropEarlyAnswer } from "./stdio-session.js";

const SERVER = { name: "mc", version: "1.2.3" };

function request(params: Record<string, unknown>, envelope: Record<string, unknown> = {}): unknown {
  return {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "c", version: "1" }, ...params },
    ...envelope,
  };
}

describe("earlyInitializeAnswer", () => {
  it("should negotiate from the SDK's own list of initialize versions, in its order", () => {
    // The copy in early-initialize.ts must be the SDK's list (without the 2026 era, which initialize never negotiates).
    expect(INITIALIZE_PROTOCOL_VERSIONS).toStrictEqual(SUPPORTED_PROTOCOL_VERSIONS.filter((version) => version < "2026-07-28"));
    expect(INITIALIZE_PROTOCOL_VERSIONS[0]).toBe(LATEST_PROTOCOL_VERSION);
    for (const version of SUPPORTED_PROTOCOL_VERSIONS) {
      expect(earlyInitializeAnswer(request({ protocolVersion: version }), SERVER)?.result.protocolVersion).toBe(version);
    }
    for (const version of ["2026-07-28", "garbage", "", "2025-06-18 "]) {
      expect(earlyInitializeAnswer(request({ protocolVersion: version }), SERVER)?.result.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
    }
  });

  it("should answer a plain initialize with the server's identity", () => {
    const answer = earlyInitializeAnswer(
      request({
        capabilities: {
          roots: { listChanged: true },
          sampling: { tools: {} },
          elicitation: { form: { applyDefaults: true } },
          experimental: { x: {} },
          future: 1,
        },
      }),
      SERVER,
    );
    expect(answer).toStrictEqual({
      id: 1,
      result: {
        protocolVersion: "2025-06-18",
        capabilities: { tools: { listChanged: false }, logging: {} },
        serverInfo: { name: "mc", version: "1.2.3" },
        instructions: expect.stringMatching(/approval_required/),
      },
    });
  });

  it("should leave to the SDK every initialize it might refuse or treat otherwise", () => {
    const refused: unknown[] = [
      null,
      [],
      "initialize",
      { ...(request({}) as object), jsonrpc: "1.0" },
      { ...(request({}) as object), method: "ping" },
      { ...(request({}) as object), id: 1.5 },
      { ...(request({}) as object), id: null },
      { ...(request({}) as object), id: 2 ** 60 },
      request({}, { extra: 1 }),
      { jsonrpc: "2.0", id: 1, method: "initialize" },
      request({ _meta: {} }),
      request({ _meta: { "io.modelcontextprotocol/protocolVersion": "2026-07-28" } }),
      request({ protocolVersion: 20250618 }),
      request({ capabilities: null }),
      request({ capabilities: [] }),
      request({ capabilities: { roots: { listChanged: "yes" } } }),
      request({ capabilities: { roots: true } }),
      request({ capabilities: { sampling: { context: 1 } } }),
      request({ capabilities: { elicitation: { form: { applyDefaults: 1 } } } }),
      request({ capabilities: { elicitation: { url: [] } } }),
      request({ capabilities: { experimental: { x: 1 } } }),
      request({ capabilities: { extensions: [] } }),
      request({ capabilities: { tasks: {} } }),
      request({ clientInfo: { name: "c" } }),
      request({ clientInfo: { name: "c", version: 1 } }),
      request({ clientInfo: { name: "c", version: "1", icons: [] } }),
      request({ clientInfo: { name: "c", version: "1", title: null } }),
      request({ extra: true }),
    ];
    for (const message of refused) expect(earlyInitializeAnswer(message, SERVER), JSON.stringify(message)).toBeUndefined();
  });
});

describe("dropEarlyAnswer", () => {
  const early = { id: 1, sdkId: "mc-early-initialize-x", result: { protocolVersion: "2025-06-18", serverInfo: { name: "mc", version: "1" } } };

  function transport() {
    const sent: JSONRPCMessage[] = [];
    const fake = { send: (message: JSONRPCMessage) => (sent.push(message), Promise.resolve()) };
    const diagnostics: string[] = [];
    dropEarlyAnswer(fake as unknown as StdioServerTransport, early, (message) => diagnostics.push(message));
    return { fake, sent, diagnostics };
  }

  it("should drop the SDK's answer to the early initialize, once, and pass everything else", async () => {
    const { fake, sent, diagnostics } = transport();
    await fake.send({
      jsonrpc: "2.0",
      id: "mc-early-initialize-x",
      result: { serverInfo: { version: "1", name: "mc" }, protocolVersion: "2025-06-18" },
    });
    await fake.send({ jsonrpc: "2.0", id: 1, result: {} });
    await fake.send({ jsonrpc: "2.0", id: "mc-early-initialize-x", result: {} });
    expect(sent.map((message) => ("id" in message ? message.id : undefined))).toStrictEqual([1, "mc-early-initialize-x"]);
    expect(diagnostics).toStrictEqual([]);
  });

  it("should report an SDK answer that differs from the one sent, and still not send it", async () => {
    for (const answer of [
      { jsonrpc: "2.0", id: "mc-early-initialize-x", result: { protocolVersion: "2025-11-25", serverInfo: { name: "mc", version: "1" } } },
      { jsonrpc: "2.0", id: "mc-early-initialize-x", error: { code: -32602, message: "Invalid params" } },
    ]) {
      const { fake, sent, diagnostics } = transport();
      await fake.send(answer as JSONRPCMessage);
      expect(sent).toStrictEqual([]);
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatch(/early answer to initialize differs from the SDK's/);
    }
  });
});
