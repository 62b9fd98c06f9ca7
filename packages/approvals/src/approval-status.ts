/** Every state of an approval, in lifecycle order. */
export const APPROVAL_STATUSES = ["pending", "approved", "executing", "completed", "failed", "rejected", "expired"] as const;

/**
 * Lifecycle: `pending → approved → executing → completed | failed`, `pending → rejected`,
 * `pending | approved → expired`.
 */
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
