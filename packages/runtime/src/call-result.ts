import * as v from "valibot";

/** The structured result of a call that needs a human approval first. Not an error. */
export const ApprovalRequiredSchema = v.object({
  status: v.pipe(v.literal("approval_required"), v.description("The call did not run: a human must approve it first.")),
  approval_id: v.pipe(v.string(), v.description("Repeat the same call with this approval_id once approved.")),
  tool: v.string(),
  expires_at: v.pipe(v.string(), v.description("ISO time after which the approval can no longer be used.")),
  approve_with: v.pipe(v.string(), v.description("The command a human runs on the host to approve.")),
  message: v.string(),
});

/** A call that needs approval, as the runtime returns it. */
export type ApprovalRequired = v.InferOutput<typeof ApprovalRequiredSchema>;

/** Why a call did not produce output. */
export type CallErrorCode = "input_invalid" | "unknown_tool" | "tool_failed" | "timeout" | "output_invalid" | "internal_error";

/**
 * What `runtime.runTool` returns: never throws for an expected outcome.
 * @typeParam TOutput - the tool's output type (`runTool` infers it from the tool map)
 */
export type ToolCallResult<TOutput = Record<string, unknown>> =
  | {
      status: "ok";
      tool: string;
      /** Data matching the tool's output schema. */
      output: TOutput;
      approvalId?: string;
      durationMs: number;
    }
  | {
      status: "denied";
      tool: string;
      /** Machine-readable denial code, e.g. `unit_not_allowed`. */
      code: string;
      /** Human reason, safe to show to the caller. */
      reason: string;
      durationMs: number;
    }
  | ({ tool: string; durationMs: number } & ApprovalRequired)
  | {
      status: "error";
      tool: string;
      code: CallErrorCode;
      message: string;
      /** Structured details: input issues, exit code, stderr excerpt. */
      data?: Record<string, unknown>;
      approvalId?: string;
      durationMs: number;
    };
