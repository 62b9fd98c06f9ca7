import type { ToolCallResult } from "@mc/runtime";

/** MCP log levels mc sends (RFC 5424 names, as the protocol has them). */
export type CallLogLevel = "debug" | "info" | "notice" | "warning" | "error";

/** Sends one `notifications/message` for the current request (the SDK's `ctx.mcpReq.log`, which applies the client's `logging/setLevel`). */
export type CallLogSink = (level: CallLogLevel, data: unknown, logger?: string) => Promise<void>;

/** After this long a call gets its first "still running" notice, then one per interval. Default 5 s. */
export const SLOW_CALL_NOTICE_MS = 5_000;

/** Logger name on every notice, so a client can tell mc's messages apart. */
const LOGGER = "mc";

/**
 * Watches one tool call for the MCP logging capability: an `info` notice while it runs past
 * `slowAfterMs` (then again every `slowAfterMs`), and a `notice` when it ends waiting for a
 * human approval, with the command that approves it. Notices never fail the call: a client that
 * went away simply gets none.
 * @param log - the request's log function
 * @param tool - the tool's name
 * @param slowAfterMs - when the first "still running" notice goes out
 * @returns `settle(result)`, to call once when the call ends (undefined when it threw)
 */
export function watchCall(log: CallLogSink, tool: string, slowAfterMs = SLOW_CALL_NOTICE_MS): { settle(result: ToolCallResult | undefined): void } {
  const started = Date.now();
  const send = (level: CallLogLevel, data: Record<string, unknown>) => void log(level, data, LOGGER).catch(() => undefined);
  const timer = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    send("info", { message: `${tool} is still running after ${seconds} s`, tool, elapsed_s: seconds });
  }, slowAfterMs);
  timer.unref();
  return {
    settle(result) {
      clearInterval(timer);
      if (result?.status === "approval_required") {
        send("notice", {
          message: `${tool} waits for a human approval: ${result.approve_with} (until ${result.expires_at})`,
          tool,
          approval_id: result.approval_id,
          approve_with: result.approve_with,
          expires_at: result.expires_at,
        });
      }
    },
  };
}
