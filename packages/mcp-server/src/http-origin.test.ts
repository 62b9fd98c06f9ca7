// Over HTTP the server's own loopback origin is accepted, every other origin is
// refused, and each request leaves one log line that never holds the token.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime } from "@mc/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { isOwnLoopbackOrigin } from "./http-origin.js";
import { serveHttp, type HttpServerHandle } from "./http-server.js";

const TOKEN = "origin-test-token-0123456789abcdef";

describe("isOwnLoopbackOrigin", () => {
  it.each([
    ["http://localhost:8765", true],
    ["http://127.0.0.1:8765", true],
    ["http://[::1]:8765", true],
    ["http://LOCALHOST:8765", true],
    ["http://localhost:8766", false],
    ["http://localhost", false],
    ["https://localhost:8765", false],
    ["http://evil.example.com:8765", false],
    ["http://localhost.evil.example.com:8765", false],
    ["http://127.0.0.1.nip.io:8765", false],
    ["http://user@localhost:8765", false],
    ["http://localhost:8765/path", false],
    ["null", false],
    ["", false],
    ["file://", false],
  ])("should take %j for the own origin of port 8765: %s", (origin, own) => {
    expect(isOwnLoopbackOrigin(origin, 8765)).toBe(own);
  });
});

describe("serveHttp origins and request log", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(): Promise<{ server: HttpServerHandle; lines: string[]; port: number }> {
    const dir = mkdtempSync(join(tmpdir(), "mc-http-origin-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const runtime = createRuntime({ stateDir: dir, policyPath: join(dir, "policy.toml"), env: {} });
    cleanups.push(() => runtime.close());
    const lines: string[] = [];
    const server = await serveHttp(runtime, { port: 0, token: TOKEN, version: "0.0.0-test", onRequestLog: (line) => lines.push(line) });
    cleanups.push(() => server.close());
    return { server, lines, port: Number(new URL(server.url).port) };
  }

  function initialize(url: string, headers: Record<string, string>): Promise<Response> {
    return fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${TOKEN}`, ...headers },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "origin-test", version: "1" } },
      }),
    });
  }

  it("should accept the server's own loopback origin and refuse foreign ones", async () => {
    const { server, port } = await start();
    for (const origin of [`http://localhost:${port}`, `http://127.0.0.1:${port}`]) {
      const answer = await initialize(server.url, { origin });
      expect([origin, answer.status]).toStrictEqual([origin, 200]);
      await answer.body?.cancel();
    }
    for (const origin of [
      "http://evil.example.com",
      `http://evil.example.com:${port}`,
      `http://localhost:${port + 1 > 65_535 ? port - 1 : port + 1}`,
      `https://localhost:${port}`,
      "null",
    ]) {
      const answer = await initialize(server.url, { origin });
      expect([origin, answer.status]).toStrictEqual([origin, 403]);
    }
    // The Host check stays: a rebinding name with the right port is refused too.
    const rebound = await initialize(server.url, { host: `evil.example.com:${port}`, origin: `http://evil.example.com:${port}` });
    expect(rebound.status).toBe(403);
  });

  it("should log one line per request, with the JSON-RPC method and never the token", async () => {
    const { server, lines, port } = await start();
    const ok = await initialize(`${server.url}?token=${TOKEN}`, {});
    await ok.text();
    const refused = await initialize(server.url, { authorization: `Bearer wrong-${TOKEN}` });
    await refused.text();
    const foreign = await initialize(server.url, { origin: "http://evil.example.com" });
    await foreign.text();
    await server.close();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^POST \/mcp 200 \d+ ms from 127\.0\.0\.1 initialize$/);
    expect(lines[1]).toMatch(/^POST \/mcp 401 \d+ ms from 127\.0\.0\.1$/);
    expect(lines[2]).toMatch(/^POST \/mcp 403 \d+ ms from 127\.0\.0\.1$/);
    expect(lines.join("\n")).not.toContain(TOKEN);
    expect(lines.join("\n")).not.toContain(String(port) + "?");
  });
});
