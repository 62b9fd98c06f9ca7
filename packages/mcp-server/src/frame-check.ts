import type { JSONRPCMessage } from "@modelcontextprotocol/server";

/** What to do with one line a client sent. */
export type FrameVerdict =
  /** A JSON-RPC message: hand it to the SDK as it is. */
  | { kind: "forward" }
  /** Nothing to do (a blank line, or a malformed notification, which gets no answer). */
  | { kind: "ignore" }
  /** Malformed: answer with this error instead of passing it on. */
  | { kind: "answer"; response: JSONRPCMessage };

/** JSON-RPC 2.0 error codes. */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const INVALID_PARAMS = -32602;

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Checks one newline-delimited frame before the SDK sees it. The SDK's stdio transport drops a
 * frame it cannot parse without a word; JSON-RPC 2.0 owes the client an answer: -32700 for
 * invalid JSON, -32600 for something that is not a request, -32602 for params that are neither
 * an object nor an array. Only the envelope is checked here; the SDK still validates the rest.
 * @param line - one line from stdin, without its newline
 * @returns forward it, ignore it, or answer it with an error
 */
export function checkFrame(line: string): FrameVerdict {
  if (line.trim() === "") return { kind: "ignore" };
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch (error) {
    return answer(null, PARSE_ERROR, `Parse error: ${(error as Error).message}`);
  }
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    return answer(null, INVALID_REQUEST, `Invalid Request: expected one JSON-RPC object${Array.isArray(message) ? " (batches are not supported)" : ""}`);
  }
  const frame = message as Record<string, unknown>;
  const id = frame.id;
  const validId = typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
  const replyId = validId ? id : null;
  if (frame.jsonrpc !== "2.0") return answer(replyId, INVALID_REQUEST, 'Invalid Request: "jsonrpc" must be "2.0"');
  if (!("method" in frame)) {
    // A response to a request of the server (elicitation): the SDK matches it by id.
    if (validId && ("result" in frame || "error" in frame)) return { kind: "forward" };
    return answer(replyId, INVALID_REQUEST, "Invalid Request: no method");
  }
  const isNotification = !("id" in frame);
  // Any string is a method name (an unknown one, even "", is the SDK's -32601 to answer).
  if (typeof frame.method !== "string") {
    return isNotification ? { kind: "ignore" } : answer(replyId, INVALID_REQUEST, 'Invalid Request: "method" must be a string');
  }
  if (!isNotification && !validId) return answer(null, INVALID_REQUEST, 'Invalid Request: "id" must be a string or a number');
  if ("params" in frame && (typeof frame.params !== "object" || frame.params === null)) {
    return isNotification ? { kind: "ignore" } : answer(replyId, INVALID_PARAMS, 'Invalid params: "params" must be an object or an array');
  }
  return { kind: "forward" };
}

/**
 * Checks one frame as it came off the wire: JSON text must be UTF-8 (RFC 8259), so invalid
 * bytes are a parse error rather than replacement characters the SDK would quietly accept.
 * @param bytes - one line from stdin, without its newline
 * @returns forward it, ignore it, or answer it with an error
 */
export function checkFrameBytes(bytes: Uint8Array): FrameVerdict {
  let line: string;
  try {
    line = UTF8.decode(bytes);
  } catch {
    return answer(null, PARSE_ERROR, "Parse error: the frame is not valid UTF-8");
  }
  return checkFrame(line);
}

/**
 * The answer to a frame over the size cap, which was discarded unread.
 * @param bytes - the frame's size as far as it was read
 * @param maxFrameBytes - the cap
 * @param requestId - the request's id when it could be found, else null
 * @returns a JSON-RPC Invalid Request error naming the limit
 */
export function oversizedFrameAnswer(bytes: number, maxFrameBytes: number, requestId: string | number | null): JSONRPCMessage {
  const verdict = answer(
    requestId,
    INVALID_REQUEST,
    `Invalid Request: the frame is ${bytes} bytes, over mc's limit of ${maxFrameBytes} bytes per message; it was discarded unread`,
  );
  return (verdict as { response: JSONRPCMessage }).response;
}

function answer(id: string | number | null, code: number, message: string): FrameVerdict {
  return { kind: "answer", response: { jsonrpc: "2.0", id, error: { code, message } } as unknown as JSONRPCMessage };
}
