import type { AuditListOptions, AuditRecord, AuditVerification, AuditVerifyOptions } from "@mc/approvals";

/** The audit journal as surfaces see it: read and verify, never write (the runtime writes it). */
export interface RuntimeAudit {
  /**
   * Audit events, newest first.
   * @param options - filters by tool, outcome, caller, time; limit (default 100)
   * @returns the events
   */
  list(options?: AuditListOptions): Promise<AuditRecord[]>;
  /**
   * Checks the hash chain for edited, deleted or re-linked events.
   * @param options - `lastEvents` to check only the newest events
   * @returns ok, how many events were checked, and every problem
   */
  verify(options?: AuditVerifyOptions): Promise<AuditVerification>;
}
