import type { CallToolResult } from "@modelcontextprotocol/server";
import type { ToolCallResult } from "@mc/runtime";

/**
 * Turns a runtime result into an MCP `tools/call` result: structured content plus text for
 * success and pending approval; `isError` with the reason for denials and failures.
 * @param result - what the runtime returned
 * @returns the MCP result
 */
export function toCallToolResult(result: ToolCallResult): CallToolResult {
  switch (result.status) {
    case "ok":
      return { content: [{ type: "text", text: JSON.stringify(result.output, null, 2) }], structuredContent: result.output };
    case "approval_required": {
      const { durationMs: _duration, ...pending } = result;
      return { content: [{ type: "text", text: pending.message }], structuredContent: pending };
    }
    case "denied":
      return {
        isError: true,
        content: [{ type: "text", text: `Denied (${result.code}): ${result.reason}` }],
        _meta: { "mc/status": "denied", "mc/code": result.code },
      };
    case "error":
      return {
        isError: true,
        content: [{ type: "text", text: `Error (${result.code}): ${result.message}` }],
        _meta: { "mc/status": "error", "mc/code": result.code, ...(result.data ? { "mc/data": result.data } : {}) },
      };
  }
}
