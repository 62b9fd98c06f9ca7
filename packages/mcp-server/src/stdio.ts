import { createInterface } from "node:readline";
import { PassThrough } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import type { Runtime } from "@mc/runtime";
import { createMcpServer, type McpServerOptions } from "./create-mcp-server.js";
import { checkFrame } from "./frame-check.js";

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
  // Every line passes checkFrame first: malformed frames get the JSON-RPC error the SDK's
  // transport would not send; good ones reach the SDK unchanged.
  const checked = new PassThrough();
  const transport = new StdioServerTransport(checked, process.stdout);
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on("line", (line) => {
    const verdict = checkFrame(line);
    if (verdict.kind === "forward") checked.write(`${line}\n`);
    else if (verdict.kind === "answer") transport.send(verdict.response).catch(() => {});
  });
  lines.on("close", () => checked.end());
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  server.server.onclose = () => resolveClosed();
  // The SDK transport does not notice stdin ending on its own in every version: close on EOF.
  checked.once("end", () => void server.close().finally(resolveClosed));
  await server.connect(transport);
  return {
    closed,
    async close() {
      await server.close();
      resolveClosed();
    },
  };
}
