import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createMcpHandler,
  hostHeaderValidationResponse,
  isInitializeRequest,
  isLegacyRequest,
  localhostAllowedHostnames,
  originValidationResponse,
  WebStandardStreamableHTTPServerTransport,
  type AuthInfo,
} from "@modelcontextprotocol/server";
import type { Runtime } from "@mc/runtime";
import { createMcpServer } from "./create-mcp-server.js";
import { MIN_TOKEN_LENGTH, staticBearerGate } from "./http-bearer-token.js";
import { readBody, toWebRequest, writeWebResponse } from "./http-node-bridge.js";
import { HttpServeError } from "./errors/http-serve-error.js";
import { isLoopbackHost, isOwnLoopbackOrigin } from "./http-origin.js";
import { requestLogLine } from "./http-request-log.js";

/** How to serve MCP over Streamable HTTP. */
export interface HttpServerOptions {
  /** Address to bind. Default `127.0.0.1`; anything not loopback needs `allowRemote`. */
  host?: string;
  /** Port to bind; `0` picks a free one (read it from the returned `url`). */
  port: number;
  /** The bearer token every request must carry (at least {@link MIN_TOKEN_LENGTH} characters). */
  token: string;
  /**
   * Browser origins allowed to call (hostnames such as `app.example.com`, or full origins such as
   * `https://app.example.com`; ports are ignored). Requests without an `Origin` header (every
   * non-browser client) pass. Default: none, so any browser page is refused with 403.
   */
  allowedOrigins?: readonly string[];
  /** Bind to a non-loopback address. Without it such a host is refused. */
  allowRemote?: boolean;
  /** Server version in `initialize`. */
  version: string;
  /** Server name in `initialize`. Default `mc`. */
  name?: string;
  /** Most 2025-era sessions open at once; more initializes are answered 503. Default 64. */
  maxSessions?: number;
  /** Largest request body in bytes; larger ones are answered 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** A 2025-era session with no request for this long is closed (its client must initialize again). Default 30 minutes. */
  sessionIdleMs?: number;
  /**
   * Receives one line per HTTP request once it is answered (method, path, status, time, peer,
   * JSON-RPC method; never a header, a query string or the token). The CLI writes it to stderr.
   */
  onRequestLog?: (line: string) => void;
  /** When a running call first reports "still running" as a log notification, in ms. Default 5 s. */
  slowCallNoticeMs?: number;
}

/** A running HTTP server. */
export interface HttpServerHandle {
  /** The endpoint clients connect to, e.g. `http://127.0.0.1:8765/mcp`. */
  url: string;
  /** Stops listening, closes every session and in-flight exchange. */
  close(): Promise<void>;
}

const ENDPOINT = "/mcp";

export { isLoopbackHost } from "./http-origin.js";

/**
 * Serves `runtime` over MCP Streamable HTTP on `/mcp`. Every request is checked, in this order,
 * before anything reaches the MCP layer: the `Host` header (loopback binds only, against DNS
 * rebinding), the `Origin` header (403), the bearer token (401, constant-time). 2026-07-28
 * clients are served per request by the SDK's `createMcpHandler`; 2025-era clients get a session
 * (`Mcp-Session-Id`) on the SDK's Streamable HTTP transport. Every tool call is audited with
 * caller kind `http` and the client's name.
 * @param runtime - the runtime to serve (the caller closes it after `close()`)
 * @param options - address, token, origins, version
 * @returns the endpoint URL and `close()`
 * @throws HttpServeError when the token is too short, or the host is not loopback without `allowRemote`
 */
export async function serveHttp(runtime: Runtime, options: HttpServerOptions): Promise<HttpServerHandle> {
  const host = options.host ?? "127.0.0.1";
  if (options.token.length < MIN_TOKEN_LENGTH) {
    throw new HttpServeError(`The bearer token must be at least ${MIN_TOKEN_LENGTH} characters long`, "token");
  }
  if (/\s/.test(options.token)) throw new HttpServeError("The bearer token must not contain whitespace", "token");
  const loopback = isLoopbackHost(host);
  if (!loopback && options.allowRemote !== true) {
    throw new HttpServeError(`Refusing to listen on ${host}: it is not a loopback address (set allowRemote to serve other hosts)`, "host");
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) {
    throw new HttpServeError(`Port must be an integer from 0 to 65535, not ${options.port}`, "port");
  }
  const allowedOrigins = (options.allowedOrigins ?? []).map(originHostname);
  const maxSessions = options.maxSessions ?? 64;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const serverOptions = {
    name: options.name ?? "mc",
    version: options.version,
    callerKind: "http" as const,
    ...(options.slowCallNoticeMs === undefined ? {} : { slowCallNoticeMs: options.slowCallNoticeMs }),
  };
  // Known once listening; requests arrive only after that.
  let listeningPort = -1;
  const gate = staticBearerGate(options.token);
  const modern = createMcpHandler(() => createMcpServer(runtime, serverOptions), { legacy: "reject", maxRequestBodySize: maxBodyBytes });
  const sessionIdleMs = options.sessionIdleMs ?? 30 * 60_000;
  const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();
  const lastSeen = new Map<string, number>();
  let closing = false;
  // A client that vanished without DELETE would hold its session (and a slot of maxSessions) forever.
  const sweeper = setInterval(
    () => {
      const now = Date.now();
      for (const [id, seen] of lastSeen) {
        if (now - seen > sessionIdleMs) void sessions.get(id)?.close();
      }
    },
    Math.min(sessionIdleMs, 60_000),
  );
  sweeper.unref();

  async function legacy(request: Request, parsedBody: unknown, authInfo: AuthInfo): Promise<Response> {
    const sessionId = request.headers.get("mcp-session-id");
    if (sessionId) {
      const transport = sessions.get(sessionId);
      if (!transport) return jsonRpcError(404, -32001, "Session not found");
      lastSeen.set(sessionId, Date.now());
      return transport.handleRequest(request, { parsedBody, authInfo });
    }
    if (request.method !== "POST" || !isInitializeRequest(parsedBody)) {
      return jsonRpcError(400, -32000, "Bad Request: Mcp-Session-Id header required");
    }
    if (sessions.size >= maxSessions) return jsonRpcError(503, -32000, `Too many open sessions (${maxSessions}); close one first`);
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
        lastSeen.set(id, Date.now());
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) {
        sessions.delete(transport.sessionId);
        lastSeen.delete(transport.sessionId);
      }
    };
    await createMcpServer(runtime, serverOptions).connect(transport);
    return transport.handleRequest(request, { parsedBody, authInfo });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const origin = `http://${request.headers.host ?? "localhost"}`;
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    // Host, Origin and token are checked on the headers alone, before any body is read.
    const headersOnly = toWebRequest(request, response, undefined, origin);
    const refused =
      (loopback ? hostHeaderValidationResponse(headersOnly, localhostAllowedHostnames()) : undefined) ??
      (loopback && isOwnLoopbackOrigin(request.headers.origin ?? "", listeningPort) ? undefined : originValidationResponse(headersOnly, allowedOrigins));
    if (refused) {
      await writeWebResponse(refused, response);
      return;
    }
    const auth = await gate(headersOnly);
    if (auth instanceof Response) {
      await writeWebResponse(auth, response);
      return;
    }
    if (path !== ENDPOINT) {
      await writeWebResponse(jsonRpcError(404, -32000, `Not found: the MCP endpoint is ${ENDPOINT}`), response);
      return;
    }
    if (closing) {
      await writeWebResponse(jsonRpcError(503, -32000, "Server is shutting down"), response);
      return;
    }
    const body = request.method === "POST" ? await readBody(request, maxBodyBytes) : undefined;
    if (request.method === "POST" && body === undefined) {
      await writeWebResponse(jsonRpcError(413, -32000, `Request body larger than ${maxBodyBytes} bytes`), response);
      return;
    }
    const webRequest = toWebRequest(request, response, body, origin);
    let parsedBody: unknown;
    if (body !== undefined) {
      try {
        parsedBody = JSON.parse(body.toString("utf8"));
      } catch {
        await writeWebResponse(jsonRpcError(400, -32700, "Parse error: the body is not JSON"), response);
        return;
      }
      parsedBodies.set(request, parsedBody);
    }
    const answer =
      request.method === "POST" && !(await isLegacyRequest(webRequest, parsedBody)) && !request.headers["mcp-session-id"]
        ? await modern.fetch(webRequest, { authInfo: auth, parsedBody })
        : await legacy(webRequest, parsedBody, auth);
    await writeWebResponse(answer, response);
  }

  // The JSON-RPC body of each request, for its log line.
  const parsedBodies = new WeakMap<IncomingMessage, unknown>();
  const server = createServer((request, response) => {
    if (options.onRequestLog) {
      const log = options.onRequestLog;
      const started = performance.now();
      const peer = request.socket.remoteAddress;
      // "close" fires for every response: finished, refused, or cut by the client (SSE ends here).
      response.once("close", () => {
        const line = requestLogLine({
          request,
          status: response.statusCode,
          finished: response.writableFinished,
          durationMs: performance.now() - started,
          body: parsedBodies.get(request),
          ...(peer === undefined ? {} : { peer }),
        });
        // No header is logged, but a client may send the token as a method, tool name or path:
        // whatever carries it, the line never does.
        log(line.replaceAll(options.token, "<token>"));
      });
    }
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32603, message: "Internal server error" }, id: null }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      listeningPort = (server.address() as AddressInfo).port;
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}${ENDPOINT}`,
    async close() {
      closing = true;
      clearInterval(sweeper);
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...sessions.values()].map((transport) => transport.close()));
      await modern.close();
      server.closeAllConnections();
      await stopped;
    },
  };
}

function jsonRpcError(status: number, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** The SDK compares origins by hostname: accept `https://app.example.com:8443` as well as `app.example.com`. */
function originHostname(origin: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\/\*$/.test(origin)) return origin;
  try {
    return new URL(origin).hostname || origin;
  } catch {
    return origin;
  }
}
