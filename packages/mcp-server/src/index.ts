/**
 * @mc/mcp-server — the MCP server over an mc runtime. The stdio entry (Node streams) is the
 * `@mc/mcp-server/stdio` subpath, so this root stays cheap to import.
 * Every export of this file is public API; anything not exported here is internal.
 */
export { toCallToolResult } from "./call-tool-result.js";
export { createMcpServer } from "./create-mcp-server.js";
export type { McpServerOptions } from "./create-mcp-server.js";
