/** What is wrong at one place in the audit chain. */
export type AuditProblemKind = "hash mismatch" | "missing row" | "chain break" | "head mismatch";

/** One problem found by `verifyAudit`. */
export interface AuditProblem {
  /** The host whose chain it is in (PostgreSQL's per-host chains only). */
  host?: string;
  /** The event's position (for `head mismatch`, the head's last seq). */
  seq: number;
  /** What is wrong: an edited row, a deleted row, a broken link, or a head that does not match the last row. */
  problem: AuditProblemKind;
}

/** Result of checking the whole audit chain. */
export interface AuditVerification {
  /** True when no problem was found. */
  ok: boolean;
  /** How many events were checked. */
  checked: number;
  /** Every problem, in chain order (at most 1,000 are listed). */
  problems: AuditProblem[];
}
