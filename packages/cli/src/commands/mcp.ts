import { serveStdio } from "@mc/mcp-server/stdio";
import type { CliIo, GlobalOptions } from "../io.js";
import { runtimeFromOptions } from "../runtime-from-options.js";
import { VERSION } from "../version.js";

/**
 * `mc mcp serve`: serves MCP over stdio until the client closes stdin. stdout carries only
 * protocol messages; diagnostics go to stderr.
 * @param io - streams (stderr for diagnostics)
 * @param options - global options
 */
export async function mcpServeCommand(io: CliIo, options: GlobalOptions & { stateDir?: string; policy?: string }): Promise<void> {
  const runtime = runtimeFromOptions(io, options);
  const policy = runtime.policy();
  if (!policy.diagnostics.ok) {
    io.stderr.write(`mc: policy ${policy.diagnostics.path} does not load; every tool call will be denied: ${policy.diagnostics.errors[0]?.message ?? ""}\n`);
  }
  try {
    const handle = await serveStdio(runtime, { name: "mc", version: VERSION });
    await handle.closed;
  } finally {
    await runtime.close();
  }
}
