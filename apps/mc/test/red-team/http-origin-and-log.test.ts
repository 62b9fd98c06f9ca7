// Red team: the HTTP surface's origin rule and request log. `mc mcp serve --http` accepts a
// browser page of its own loopback origin (http://localhost|127.0.0.1|[::1]:<its port>) and must
// refuse every other Origin and Host: look-alike names, other ports, other schemes, numeric and
// encoded spellings of 127.0.0.1, userinfo, paths, lists. An attack succeeds when a hostile
// request gets anything but 403, or when any tool call is audited. Then the request log on stderr:
// a client puts the bearer token in every place it controls (query, path, method, tool name,
// session id, client name, a wrong token that contains it); an attack succeeds when the token
// appears on stderr.
import { spawn, type ChildProcess } from "node:child_process";
import { request as httpRequest } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announcedUrl, childEnv, MC_BIN, runMc, tempDir } from "../clients/support.js";
import { attackClass } from "./attack-report.js";

const TOKEN = "redteamtoken0123456789abcdefXYZ";

describe("red team: HTTP origins and the request log", () => {
  const origins = attackClass("http foreign origin");
  const leaks = attackClass("http log token leak");
  let dir: string;
  let child: ChildProcess;
  let url: URL;
  let stderr = "";
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = tempDir("mc-redteam-http-", false);
    writeFileSync(join(dir, "token"), `${TOKEN}\n`, { mode: 0o600 });
    env = childEnv({ MC_STATE_DIR: join(dir, "state") });
    child = spawn(process.execPath, [MC_BIN, "mcp", "serve", "--http", "127.0.0.1:0", "--token-file", join(dir, "token")], {
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    url = new URL(await announcedUrl(child));
  }, 30_000);
  afterAll(async () => {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("close", resolve));
  });

  function post(headers: Record<string, string>, body: unknown, target: string = url.href): Promise<Response> {
    return fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${TOKEN}`, ...headers },
      body: JSON.stringify(body),
    });
  }

  /** A POST with a Host header of our choosing (fetch does not let one set Host). */
  function postWithHost(host: string, origin: string | undefined, body: unknown): Promise<number> {
    return new Promise((resolve, reject) => {
      const data = JSON.stringify(body);
      const outgoing = httpRequest(
        {
          host: url.hostname,
          port: Number(url.port),
          path: url.pathname,
          method: "POST",
          headers: {
            host,
            ...(origin === undefined ? {} : { origin }),
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
            authorization: `Bearer ${TOKEN}`,
            "content-length": Buffer.byteLength(data),
          },
        },
        (answer) => {
          answer.resume();
          answer.once("end", () => resolve(answer.statusCode ?? 0));
        },
      );
      outgoing.once("error", reject);
      outgoing.end(data);
    });
  }

  const initialize = (name = "redteam") => ({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name, version: "1" } },
  });

  it("should refuse every foreign Origin and Host with 403 and run nothing", async () => {
    const port = Number(url.port);
    const other = port === 65_535 ? port - 1 : port + 1;
    const hostileOrigins = [
      "http://evil.example.com",
      `http://evil.example.com:${port}`,
      `http://localhost:${other}`,
      `http://127.0.0.1:${other}`,
      `http://[::1]:${other}`,
      "http://localhost",
      "http://127.0.0.1",
      `https://localhost:${port}`,
      `https://127.0.0.1:${port}`,
      `ws://localhost:${port}`,
      `http://localhost.evil.example.com:${port}`,
      `http://127.0.0.1.nip.io:${port}`,
      `http://localhost.:${port}`,
      `http://evil.example.com@localhost:${port}`,
      `http://localhost:${port}@evil.example.com`,
      `http://user:pass@localhost:${port}`,
      `http://localhost:${port}/`,
      `http://localhost:${port}/mcp`,
      `http://localhost:${port}?x`,
      `http://localhost:${port}#x`,
      `http://localhost:0${port}`,
      `http://localhost:${port}0`,
      `http://0x7f.0.0.1:${port}`,
      `http://2130706433:${port}`,
      `http://0177.0.0.1:${port}`,
      `http://127.1:${port}`,
      `http://[::ffff:127.0.0.1]:${port}`,
      `http://[0:0:0:0:0:0:0:1]:${port}`,
      `http://loc\u0430lhost:${port}`,
      `http://xn--loclhost-4ig:${port}`,
      `http://%6cocalhost:${port}`,
      `http://localhost:${port}, http://evil.example.com`,
      `http://evil.example.com, http://localhost:${port}`,
      "null",
      "file://",
      "*",
      `HTTP://EVIL.EXAMPLE.COM:${port}`,
    ];
    for (const origin of hostileOrigins) {
      const answer = await post({ origin }, initialize()).catch((error: unknown) => ({ status: `fetch refused: ${String(error)}` }));
      // A header value fetch itself refuses to send never reached mc: not an attack that got through.
      const status = answer.status;
      if ("body" in answer) await answer.body?.cancel();
      origins.record(status !== 403 && !String(status).startsWith("fetch refused"), `Origin ${JSON.stringify(origin)} → ${status}`);
    }
    const hostileHosts = [
      "evil.example.com",
      `evil.example.com:${port}`,
      `localhost.evil.example.com:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `attacker.test:${port}`,
    ];
    for (const host of hostileHosts) {
      for (const origin of [undefined, `http://localhost:${port}`, `http://${host}`]) {
        const status = await postWithHost(host, origin, initialize());
        origins.record(status !== 403, `Host ${host}, Origin ${origin ?? "(none)"} → ${status}`);
      }
    }
    // Controls (not attacks): the server's own origins are served, so the refusals above are the rule at work.
    for (const own of [`http://localhost:${port}`, `http://127.0.0.1:${port}`]) {
      const answer = await post({ origin: own }, initialize());
      await answer.body?.cancel();
      expect([own, answer.status]).toStrictEqual([own, 200]);
    }
    // The control: the right Host with our helper is served, so the refusals above are the Host rule at work.
    expect(await postWithHost(`127.0.0.1:${port}`, undefined, initialize())).toBe(200);
    const audit = JSON.parse((await runMc(["audit", "list", "--json"], env)).stdout) as { events?: unknown[] } | unknown[];
    expect(Array.isArray(audit) ? audit : audit.events).toStrictEqual([]);
    expect(origins.failures).toStrictEqual([]);
  }, 120_000);

  it("should never write the token to the request log, wherever a client puts it", async () => {
    const attempts: Array<{ what: string; send: () => Promise<Response> }> = [
      { what: "query string", send: () => post({}, initialize(), `${url.href}?token=${TOKEN}&auth=Bearer%20${TOKEN}`) },
      { what: "path", send: () => post({}, initialize(), `${url.origin}/mcp/${TOKEN}`) },
      { what: "path segment before /mcp", send: () => post({}, initialize(), `${url.origin}/${TOKEN}/mcp`) },
      { what: "JSON-RPC method", send: () => post({}, { jsonrpc: "2.0", id: 2, method: TOKEN }) },
      { what: "JSON-RPC method with a slash", send: () => post({}, { jsonrpc: "2.0", id: 2, method: `tools/${TOKEN}` }) },
      {
        what: "tool name",
        send: () => post({ "mcp-protocol-version": "2025-06-18" }, { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: TOKEN, arguments: {} } }),
      },
      { what: "session id", send: () => post({ "mcp-session-id": TOKEN }, { jsonrpc: "2.0", id: 4, method: "tools/list" }) },
      { what: "session id, token first", send: () => post({ "mcp-session-id": `${TOKEN}-x` }, { jsonrpc: "2.0", id: 4, method: "tools/list" }) },
      { what: "client name", send: () => post({}, initialize(TOKEN)) },
      { what: "user agent", send: () => post({ "user-agent": TOKEN }, initialize()) },
      { what: "a wrong token that contains the token", send: () => post({ authorization: `Bearer ${TOKEN}${TOKEN}` }, initialize()) },
      { what: "token as Basic credentials", send: () => post({ authorization: `Basic ${TOKEN}` }, initialize()) },
      { what: "token in a cookie", send: () => post({ cookie: `mc=${TOKEN}` }, initialize()) },
      {
        what: "batch of methods",
        send: () =>
          post({}, [
            { jsonrpc: "2.0", id: 5, method: TOKEN },
            { jsonrpc: "2.0", id: 6, method: "ping" },
          ]),
      },
      {
        what: "GET with the token in the query",
        send: () =>
          fetch(`${url.href}?${TOKEN}`, { headers: { authorization: `Bearer ${TOKEN}`, accept: "text/event-stream" }, signal: AbortSignal.timeout(2000) }),
      },
    ];
    for (const attempt of attempts) {
      const before = stderr.length;
      const answer = await attempt.send().catch(() => undefined);
      await answer?.body?.cancel().catch(() => undefined);
      // The line is written when the response closes: wait for this request's line.
      const deadline = Date.now() + 5000;
      while (!stderr.slice(before).includes("\n") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const written = stderr.slice(before);
      leaks.record(written.includes(TOKEN) || !/mc: http /.test(written), `${attempt.what}: ${JSON.stringify(written.slice(0, 200))}`);
    }
    expect(stderr).not.toContain(TOKEN);
    expect(leaks.failures).toStrictEqual([]);
  }, 120_000);
});
