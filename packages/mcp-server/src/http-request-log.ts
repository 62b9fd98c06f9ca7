import type { IncomingMessage } from "node:http";

/** What one request's log line is made of. */
export interface RequestLogEntry {
  /** The request (its method, URL path, peer address and session header are read). */
  request: IncomingMessage;
  /** The status sent. */
  status: number;
  /** False when the client went away before the response was complete. */
  finished: boolean;
  /** From arrival to the end of the response. */
  durationMs: number;
  /** The parsed JSON-RPC body, when there was one. */
  body?: unknown;
  /** The peer's address, read when the request arrived (the socket may be gone by the end). */
  peer?: string;
}

const SAFE_NAME = /^[A-Za-z0-9_/.$-]{1,64}$/;

/**
 * One line for the operator about one HTTP request: method, path (never the query string), status,
 * time, peer, a short session id, and the JSON-RPC method(s) and tool name. No header value is
 * logged, so neither the bearer token nor cookies ever reach the log; names from the client are
 * logged only when they are plain identifiers.
 * @param entry - the request and how it ended
 * @returns e.g. `POST /mcp 200 12 ms from 127.0.0.1 session 3f2a… tools/call service_status`
 */
export function requestLogLine(entry: RequestLogEntry): string {
  const path = safePath(entry.request.url ?? "/");
  const peer = entry.peer ?? entry.request.socket.remoteAddress ?? "?";
  const session = entry.request.headers["mcp-session-id"];
  const sessionText = typeof session === "string" && /^[A-Za-z0-9-]{1,128}$/.test(session) ? ` session ${session.slice(0, 8)}…` : "";
  const rpc = rpcSummary(entry.body);
  return `${entry.request.method ?? "?"} ${path} ${entry.status}${entry.finished ? "" : " (client went away)"} ${Math.round(entry.durationMs)} ms from ${peer}${sessionText}${rpc ? ` ${rpc}` : ""}`;
}

function safePath(url: string): string {
  let pathname: string;
  try {
    pathname = new URL(url, "http://localhost").pathname;
  } catch {
    return "(bad path)";
  }
  // URL already percent-encodes what is not printable; cap the length.
  return pathname.length > 100 ? `${pathname.slice(0, 100)}…` : pathname;
}

function rpcSummary(body: unknown): string {
  if (Array.isArray(body)) return `batch of ${body.length}`;
  if (typeof body !== "object" || body === null) return "";
  const message = body as { method?: unknown; params?: { name?: unknown } };
  if (typeof message.method !== "string") return "response";
  const method = SAFE_NAME.test(message.method) ? message.method : "(unprintable method)";
  const tool =
    method === "tools/call" && typeof message.params?.name === "string"
      ? SAFE_NAME.test(message.params.name)
        ? ` ${message.params.name}`
        : " (unprintable tool name)"
      : "";
  return `${method}${tool}`;
}
