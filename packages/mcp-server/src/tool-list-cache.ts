import type { McpServer } from "@modelcontextprotocol/server";

type RequestHandler = (request: unknown, context: unknown) => Promise<unknown>;

/** Each cached `tools/list` result, deep-frozen, with its JSON encoded once as UTF-8. */
const encodedResults = new WeakMap<object, Buffer>();

/**
 * Answers `tools/list` from the first answer the SDK built. The SDK rebuilds the whole list on
 * every request (each tool's JSON Schemas converted, copied and scanned: ~25 tools, 75 kB); mc's
 * list is fixed when the server is made — every tool of the runtime is registered once, none is
 * ever enabled, disabled or changed later, and the policy decides at call time, not in the list —
 * so the first answer holds for the server's life. The request itself is still checked by the
 * SDK on every call; the cached answer is deep-frozen (nothing may edit it between answers) and
 * its JSON is kept (see {@link encodedToolList}). Call it after the last `registerTool`.
 * @param server - an McpServer with all its tools registered
 */
export function cacheToolList(server: McpServer): void {
  // `_getRequestHandler` is the SDK's accessor for role classes that dispatch through a stored
  // handler; it is protected in the types only.
  const protocol = server.server as unknown as { _getRequestHandler(method: string): RequestHandler | undefined };
  const build = protocol._getRequestHandler("tools/list");
  if (build === undefined) return;
  let cached: Promise<unknown> | undefined;
  server.server.setRequestHandler("tools/list", (request, context) => {
    cached ??= build(request, context).then(
      (result) => {
        if (typeof result === "object" && result !== null) encodedResults.set(deepFreeze(result), Buffer.from(JSON.stringify(result), "utf8"));
        return result;
      },
      (error: unknown) => {
        cached = undefined;
        throw error;
      },
    );
    return cached as Promise<never>;
  });
}

/**
 * The JSON of a cached `tools/list` result, encoded once: writing the 75 kB answer anew on every
 * request (`JSON.stringify`, then UTF-8 encoding of a string with non-Latin-1 characters) was
 * about half of the server's time per `tools/list`. The result is frozen, so the bytes stay equal
 * to it. Anything else — a result the SDK's codec copied, any other message — gets `undefined`
 * and is serialized as usual.
 * @param result - the `result` of a response about to be sent
 * @returns the UTF-8 JSON of that very object, or undefined
 */
export function encodedToolList(result: unknown): Buffer | undefined {
  return typeof result === "object" && result !== null ? encodedResults.get(result) : undefined;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
