import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import type { Runtime } from "@mc/runtime";
import { createMcpServer, type McpServerOptions } from "./create-mcp-server.js";

/** A running stdio server. */
export interface StdioServerHandle {
  /** Resolves when the client closed stdin or `close()` was called. */
  closed: Promise<void>;
  /** Stops serving. */
  close(): Promise<void>;
}

/**
 * Serves `runtime` over stdio: stdout carries only protocol messages.
 * @param runtime - the runtime to serve
 * @param options - server name and version
 * @returns a handle that resolves `closed` when the client goes away
 */
export async function serveStdio(runtime: Runtime, options: McpServerOptions): Promise<StdioServerHandle> {
  const server = createMcpServer(runtime, options);
  const transport = new StdioServerTransport();
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  server.server.onclose = () => resolveClosed();
  // The SDK transport does not notice stdin ending on its own in every version: close on EOF.
  process.stdin.once("end", () => void server.close().finally(resolveClosed));
  await server.connect(transport);
  return {
    closed,
    async close() {
      await server.close();
      resolveClosed();
    },
  };
}
