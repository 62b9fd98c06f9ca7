import type { ApprovalRecord } from "@mc/approvals";
import { errorMessage, parseToolInput, type ToolContext, type ToolDefinition } from "@mc/core";

/** What a queued call would change, for the human deciding on it. */
export interface ApprovalPreview {
  /** The approval. */
  approval: ApprovalRecord;
  /**
   * Unified diff from what is there now to what the call would leave ("" when nothing would
   * change); absent when the tool has no preview (its arguments say it all) or it failed.
   */
  diff?: string;
  /** Why no diff could be made (the file became unreadable, the backup is gone, the policy changed). */
  previewError?: string;
}

/**
 * Computes a queued call's preview with its tool's `preview` (read-only: nothing is written,
 * no program runs). Never throws for a preview that fails: the reason is returned instead.
 * @param approval - the approval
 * @param tool - its tool, when still registered
 * @param context - state dir and the current policy's config targets
 * @returns the approval with its diff or why there is none
 */
export async function previewApproval(approval: ApprovalRecord, tool: ToolDefinition | undefined, context: ToolContext): Promise<ApprovalPreview> {
  if (tool?.preview === undefined) return { approval };
  try {
    const input = parseToolInput(tool.name, tool.input, approval.arguments);
    return { approval, diff: await tool.preview(input, context) };
  } catch (error) {
    return { approval, previewError: errorMessage(error) };
  }
}
