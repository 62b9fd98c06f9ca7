import type { ApprovalRecord, ApprovalStore } from "@mc/approvals";
import type { ToolCallResult } from "./call-result.js";

/** How many recent rejections a new request is compared with. */
const RECENT_REJECTIONS = 200;

/**
 * The answer to a call whose request a human rejected: `denied` with code `approval_rejected`,
 * saying who rejected it, when, and their note — so the agent learns why instead of asking again.
 * @param tool - the tool called
 * @param approval - the rejected approval
 * @param durationMs - the call's duration
 * @returns the denied result
 */
export function rejectedResult(tool: string, approval: ApprovalRecord, durationMs: number): ToolCallResult {
  const note = approval.decisionNote === null || approval.decisionNote === "" ? "no note given" : `note: ${JSON.stringify(approval.decisionNote)}`;
  return {
    status: "denied",
    tool,
    code: "approval_rejected",
    reason:
      `Approval ${approval.id} was rejected by ${approval.decidedBy ?? "an operator"} at ${approval.decidedAt ?? "?"} (${note}). ` +
      `Do not repeat this call unchanged: the same call is refused until ${approval.expiresAt}; change it or ask the operator.`,
    durationMs,
  };
}

/**
 * The answer to a call whose request expired before anyone decided: `denied`, code `approval_expired`.
 * @param tool - the tool called
 * @param approval - the expired approval
 * @param durationMs - the call's duration
 * @returns the denied result
 */
export function expiredResult(tool: string, approval: ApprovalRecord, durationMs: number): ToolCallResult {
  return {
    status: "denied",
    tool,
    code: "approval_expired",
    reason: `Approval ${approval.id} expired at ${approval.expiresAt} before it was used; call the tool again without approval_id to ask anew.`,
    durationMs,
  };
}

/**
 * The rejection that still answers an identical call: the newest rejected request with the same
 * tool and request hash whose lifetime (its `expires_at`) has not run out. A rejection stands
 * as long as the request would have; after that the same call asks anew.
 * @param store - the approval store
 * @param tool - the tool called
 * @param hash - the call's request hash
 * @param nowMs - the current time
 * @returns the standing rejection, or undefined
 */
export async function standingRejection(store: ApprovalStore, tool: string, hash: string, nowMs: number): Promise<ApprovalRecord | undefined> {
  const rejected = await store.list({ status: "rejected", limit: RECENT_REJECTIONS });
  return rejected.find((approval) => approval.tool === tool && approval.requestHash === hash && Date.parse(approval.expiresAt) > nowMs);
}
