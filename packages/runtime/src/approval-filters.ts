import type { ApprovalStatus, AuditOutcome } from "@mc/approvals";
import { CALLER_KINDS } from "@mc/core";

// The store's own lists live in @mc/approvals, whose root loads the database driver; these copies
// let a surface validate its filters without loading it. The type checks below keep them equal.

/** Every approval state, for filters (`mc approvals list --status`). */
export const APPROVAL_STATUSES = [
  "pending",
  "approved",
  "executing",
  "completed",
  "failed",
  "rejected",
  "expired",
] as const satisfies readonly ApprovalStatus[];
/** How an audited call can end, for filters (`mc audit list --outcome`). */
export const AUDIT_OUTCOMES = ["ok", "denied", "pending", "failed", "error", "started"] as const satisfies readonly AuditOutcome[];
/** The surfaces a call can come through, for filters (`mc audit list --caller`): @mc/core's one list. */
export { CALLER_KINDS };

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const everyState: Same<ApprovalStatus, (typeof APPROVAL_STATUSES)[number]> = true;
const everyOutcome: Same<AuditOutcome, (typeof AUDIT_OUTCOMES)[number]> = true;
void [everyState, everyOutcome];
