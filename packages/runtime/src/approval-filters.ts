import type { ApprovalStatus, AuditOutcome, CallerKind } from "@mc/approvals";

// The store's own lists live in @mc/approvals, whose root loads the database driver; these copies
// let a surface validate its filters without loading it. The type checks below keep them equal.

/** Every approval state, for filters (`mc approvals list --status`). */
export const APPROVAL_STATUSES = ["pending", "approved", "executing", "completed", "failed", "rejected", "expired"] as const satisfies readonly ApprovalStatus[];
/** How an audited call can end, for filters (`mc audit list --outcome`). */
export const AUDIT_OUTCOMES = ["ok", "denied", "pending", "failed", "error", "started"] as const satisfies readonly AuditOutcome[];
/** The surfaces a call can come through, for filters (`mc audit list --caller`). */
export const CALLER_KINDS = ["cli", "mcp", "embedded", "http"] as const satisfies readonly CallerKind[];

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const everyState: Same<ApprovalStatus, (typeof APPROVAL_STATUSES)[number]> = true;
const everyOutcome: Same<AuditOutcome, (typeof AUDIT_OUTCOMES)[number]> = true;
const everyCaller: Same<CallerKind, (typeof CALLER_KINDS)[number]> = true;
void [everyState, everyOutcome, everyCaller];
