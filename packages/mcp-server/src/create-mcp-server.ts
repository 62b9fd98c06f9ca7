import { McpServer } from "@modelcontextprotocol/server";
import { riskAnnotations } from "@mc/core";
import type { ApprovalWaitProgress, Runtime, ToolCallResult } from "@mc/runtime";
import { watchCall } from "./call-log.js";
import { toCallToolResult } from "./call-tool-result.js";
import { elicitApproval } from "./elicit-approval.js";
import { publishedInputSchema, publishedOutputSchema } from "./published-schemas.js";
import { SERVER_INSTRUCTIONS, serverCapabilities } from "./server-identity.js";
import { cacheToolList } from "./tool-list-cache.js";

/** How the MCP server presents itself. */
export interface McpServerOptions {
  /** Server name in `initialize`. Default `mc`. */
  name?: string;
  /** Server version in `initialize` (the CLI passes its package version). */
  version: string;
  /** Caller kind recorded in audit. Default `mcp`. */
  callerKind?: "mcp" | "http";
  /** When a running call first reports "still running" as a log notification, in ms. Default 5 s. */
  slowCallNoticeMs?: number;
}

/**
 * Builds an MCP server that offers every tool of `runtime`. Calls go through the runtime's whole
 * pipeline (validation, policy, approvals, audit). There is deliberately no tool that approves or
 * rejects: approval is out of band.
 * @param runtime - the runtime to serve
 * @param options - name and version
 * @returns an SDK McpServer, not yet connected
 */
export function createMcpServer(runtime: Runtime, options: McpServerOptions): McpServer {
  const server = new McpServer(
    { name: options.name ?? "mc", version: options.version },
    // One definition with the early answer to `initialize` (early-initialize.ts).
    { capabilities: serverCapabilities(), instructions: SERVER_INSTRUCTIONS },
  );
  for (const tool of runtime.listTools()) {
    const definition = tool.definition;
    server.registerTool(
      definition.name,
      {
        title: definition.title,
        description: definition.description,
        inputSchema: publishedInputSchema(definition.input),
        outputSchema: publishedOutputSchema(definition.output),
        annotations: { title: definition.title, ...riskAnnotations(definition.risk) },
        _meta: { "mc/risk": definition.risk, ...(tool.source ? { "mc/package": tool.source.package, "mc/version": tool.source.version } : {}) },
      },
      async (args: unknown, context) => {
        const client = server.server.getClientVersion();
        const caller = { kind: options.callerKind ?? "mcp", ...(client?.name ? { name: client.name } : {}) } as const;
        // A client that cancels the request (or goes away) kills the command it started.
        const signal = context.mcpReq.signal;
        // Arguments come from the client: the runtime checks them at run time (runtime.call).
        // A call waiting for its human (approval_wait_s) reports progress when the client asked
        // for it (a progressToken): what it waits for and the command that approves it.
        const progressToken = context.mcpReq._meta?.progressToken;
        const onApprovalWait =
          progressToken === undefined
            ? undefined
            : (progress: ApprovalWaitProgress) => {
                void context.mcpReq
                  .notify({
                    method: "notifications/progress",
                    params: { progressToken, progress: progress.waited_s, total: progress.wait_s, message: progress.message },
                  })
                  .catch(() => undefined);
              };
        // Log notifications (when the client set a level): "still running" for a slow call, and a
        // call that ends pending says who must approve it and how.
        const watch = watchCall(context.mcpReq.log, definition.name, options.slowCallNoticeMs);
        let result: ToolCallResult | undefined;
        try {
          result = await runtime.call(definition.name, args, { caller, signal, ...(onApprovalWait ? { onApprovalWait } : {}) });
          if (result.status === "approval_required" && (await elicitApproval(server, runtime, result, { risk: definition.risk, clientName: client?.name }))) {
            const approved = typeof args === "object" && args !== null ? { ...args, approval_id: result.approval_id } : { approval_id: result.approval_id };
            result = await runtime.call(definition.name, approved, { caller, signal });
          }
        } finally {
          watch.settle(result);
        }
        return toCallToolResult(result);
      },
    );
  }
  cacheToolList(server);
  return server;
}
