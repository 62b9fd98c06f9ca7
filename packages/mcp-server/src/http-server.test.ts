import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { createRuntime, type Runtime } from "@mc/runtime";
import { harnessForTests } from "@mc/systemd-harness";
import { afterEach, describe, expect, it } from "vitest";
import { HttpServeError } from "./errors/http-serve-error.js";
import { isLoopbackHost, serveHttp, type HttpServerHandle } from "./http-server.js";

const TOKEN = "test-token-0123456789abcdef";
const harness = await harnessForTests();

describe("serveHttp", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(
    options: { allowedOrigins?: string[]; sessionIdleMs?: number; maxBodyBytes?: number; maxSessions?: number; commandPrefix?: string[] } = {},
  ): Promise<{ runtime: Runtime; server: HttpServerHandle }> {
    const dir = mkdtempSync(join(tmpdir(), "mc-http-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { commandPrefix, ...serveOptions } = options;
    const runtime = createRuntime({ stateDir: dir, policyPath: join(dir, "policy.toml"), env: {}, ...(commandPrefix ? { commandPrefix } : {}) });
    cleanups.push(() => runtime.close());
    const server = await serveHttp(runtime, { port: 0, token: TOKEN, version: "0.0.0-test", ...serveOptions });
    cleanups.push(() => server.close());
    return { runtime, server };
  }

  async function connect(url: string, name: string, token = TOKEN, era: "legacy" | "modern" = "legacy"): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
    const client = new Client({ name, version: "1.0.0" }, era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {});
    await client.connect(transport);
    cleanups.push(() => client.close());
    return client;
  }

  function rawCall(url: string, headers: Record<string, string>): Promise<Response> {
    return fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18", ...headers },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "memory_usage", arguments: {} } }),
    });
  }

  async function toolCalls(runtime: Runtime): Promise<number> {
    return (await runtime.audit.list({ limit: 10_000 })).length;
  }

  it("should bind to 127.0.0.1 by default and name the /mcp endpoint", async () => {
    const { server } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });

  it("should refuse a request without a token with 401 and execute nothing", async () => {
    const { runtime, server } = await start();
    const response = await rawCall(server.url, {});
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect(await toolCalls(runtime)).toBe(0);
  });

  it("should refuse a wrong token with 401, also from the SDK client", async () => {
    const { runtime, server } = await start();
    expect((await rawCall(server.url, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await rawCall(server.url, { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString("base64")}` })).status).toBe(401);
    await expect(connect(server.url, "intruder", "wrong-token-0123456789abcdef")).rejects.toThrow(/invalid_token/);
    expect(await toolCalls(runtime)).toBe(0);
  });

  it("should list tools and audit a call as http with the client's name (2025-era session)", async () => {
    const { runtime, server } = await start();
    const client = await connect(server.url, "legacy-client");
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(["memory_usage", "service_status", "restart_service"]));
    const result = await client.callTool({ name: "memory_usage", arguments: {} });
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent as { total_bytes: number }).total_bytes).toBeGreaterThan(0);
    const events = await runtime.audit.list({});
    expect(events.map((event) => [event.caller, event.clientName, event.tool, event.outcome])).toStrictEqual([["http", "legacy-client", "memory_usage", "ok"]]);
  });

  it("should serve a 2026-07-28 client per request and audit its name", async () => {
    const { runtime, server } = await start();
    const client = await connect(server.url, "modern-client", TOKEN, "modern");
    expect(client.getProtocolEra()).toBe("modern");
    const result = await client.callTool({ name: "memory_usage", arguments: {} });
    expect(result.isError).toBeFalsy();
    const events = await runtime.audit.list({});
    expect(events.map((event) => [event.caller, event.clientName])).toStrictEqual([["http", "modern-client"]]);
  });

  it("should refuse a browser Origin not in the allow list with 403, even with the right token", async () => {
    const { runtime, server } = await start({ allowedOrigins: ["https://ops.example.com"] });
    const bad = await rawCall(server.url, { authorization: `Bearer ${TOKEN}`, origin: "https://evil.example.net" });
    expect(bad.status).toBe(403);
    expect(await toolCalls(runtime)).toBe(0);
    // An allowed origin passes the origin check and reaches the MCP layer (which wants a session first).
    const allowed = await rawCall(server.url, { authorization: `Bearer ${TOKEN}`, origin: "https://ops.example.com" });
    expect(allowed.status).toBe(400);
  });

  it("should refuse a Host header that is not loopback (DNS rebinding) with 403", async () => {
    const { server } = await start();
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(server.url);
      const outgoing = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { host: "attacker.example.com", authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.once("error", reject);
      outgoing.end("{}");
    });
    expect(status).toBe(403);
  });

  it("should answer a burst of 240 concurrent calls from 6 clients, every one audited", async () => {
    const { runtime, server } = await start();
    const clients = await Promise.all(
      Array.from({ length: 6 }, (_, index) => connect(server.url, `burst-${index}`, TOKEN, index % 2 === 0 ? "legacy" : "modern")),
    );
    const calls = clients.flatMap((client) => Array.from({ length: 40 }, () => client.callTool({ name: "memory_usage", arguments: {} })));
    const results = await Promise.all(calls);
    expect(results).toHaveLength(240);
    for (const result of results) {
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as { total_bytes: number }).total_bytes).toBeGreaterThan(0);
    }
    const events = await runtime.audit.list({ limit: 10_000 });
    expect(events).toHaveLength(240);
    const perClient = new Map<string, number>();
    for (const event of events) perClient.set(event.clientName ?? "", (perClient.get(event.clientName ?? "") ?? 0) + 1);
    expect(Object.fromEntries([...perClient].sort())).toStrictEqual(Object.fromEntries(clients.map((_, index) => [`burst-${index}`, 40])));
    expect((await runtime.audit.verify()).ok).toBe(true);
  });

  it.skipIf(!harness.available)("should answer concurrent service_status calls from several clients against real systemd", async () => {
    const { runtime, server } = await start({ commandPrefix: harness.available ? [...harness.prefix] : [] });
    const clients = await Promise.all(
      Array.from({ length: 4 }, (_, index) => connect(server.url, `systemd-${index}`, TOKEN, index % 2 === 0 ? "legacy" : "modern")),
    );
    const units = ["mc-demo.service", "mc-broken.service"];
    const results = await Promise.all(
      clients.flatMap((client) => Array.from({ length: 10 }, (_, index) => client.callTool({ name: "service_status", arguments: { unit: units[index % 2] } }))),
    );
    results.forEach((result, index) => {
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      // Only the id and load state: other packages' tests may restart these units meanwhile.
      expect(result.structuredContent).toMatchObject({ id: units[(index % 10) % 2], load_state: "loaded" });
    });
    expect(await toolCalls(runtime)).toBe(40);
  });

  it("should close a 2025-era session after it has been idle, answering 404 to its id", async () => {
    const { server } = await start({ sessionIdleMs: 200 });
    const transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } });
    const client = new Client({ name: "idle", version: "1.0.0" });
    await client.connect(transport);
    cleanups.push(() => client.close());
    const sessionId = transport.sessionId ?? "";
    expect(sessionId).not.toBe("");
    await new Promise((resolve) => setTimeout(resolve, 700));
    const stale = await rawCall(server.url, { authorization: `Bearer ${TOKEN}`, "mcp-session-id": sessionId });
    expect(stale.status).toBe(404);
  });

  it("should refuse more sessions than maxSessions with 503, and a body over maxBodyBytes with 413", async () => {
    const { server } = await start({ maxSessions: 1, maxBodyBytes: 4096 });
    await connect(server.url, "first");
    await expect(connect(server.url, "second")).rejects.toThrow(/Too many open sessions/);
    const large = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: { padding: "x".repeat(10_000) } }),
    });
    expect(large.status).toBe(413);
  });

  it("should refuse a non-loopback host without allowRemote, and a short token", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mc-http-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const runtime = createRuntime({ stateDir: dir, env: {} });
    cleanups.push(() => runtime.close());
    await expect(serveHttp(runtime, { host: "0.0.0.0", port: 0, token: TOKEN, version: "0" })).rejects.toSatisfy(
      (error: unknown) => HttpServeError.isInstance(error) && /not a loopback address/.test(error.message),
    );
    await expect(serveHttp(runtime, { port: 0, token: "short", version: "0" })).rejects.toThrow(/at least 16 characters/);
  });
});

describe("isLoopbackHost", () => {
  it("should accept loopback names and addresses only", () => {
    expect(["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"].map(isLoopbackHost)).toStrictEqual([true, true, true, true, true]);
    expect(["0.0.0.0", "10.0.0.1", "::", "example.com", "128.0.0.1"].map(isLoopbackHost)).toStrictEqual([false, false, false, false, false]);
  });
});
