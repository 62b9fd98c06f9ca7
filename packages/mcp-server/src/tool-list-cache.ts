import type { McpServer } from "@modelcontextprotocol/server";

type RequestHandler = (request: unknown, context: unknown) => Promise<unknown>;

/**
 * Answers `tools/list` from the first answer the SDK built. The SDK rebuilds the whole list on
 * every request (each tool's JSON Schemas converted, copied and scanned: ~25 tools, 75 kB); mc's
 * list is fixed when the server is made — every tool of the runtime is registered once, none is
 * ever enabled, disabled or changed later, and the policy decides at call time, not in the list —
 * so the first answer holds for the server's life. The request itself is still checked by the
 * SDK on every call; the cached answer's schemas are frozen (see published-schemas.ts). Call it
 * after the last `registerTool`.
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
    cached ??= build(request, context).catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached as Promise<never>;
  });
}
