import {
  claimApproval,
  decideApproval,
  expireDue,
  finalizeApproval,
  getApproval,
  listApprovals,
  recoverInterrupted,
  requestApproval,
} from "./approval-queue.js";
import type {
  ApprovalListOptions,
  ApprovalRequest,
  ApprovalRequestResult,
  ClaimRequest,
  FinalizeOutcome,
  RecoverOptions,
} from "./approval-queue.js";
import type { ApprovalRecord } from "./approval-record.js";
import type { AuditEventInput, AuditRecord } from "./audit-event.js";
import { appendAudit, listAudit, verifyAudit } from "./audit-journal.js";
import type { AuditHeadCache, AuditListOptions, AuditVerifyOptions } from "./audit-journal.js";
import type { AuditVerification } from "./audit-verification.js";
import type { ClaimResult } from "./claim-result.js";
import type { Connection } from "./connection.js";
import { ApprovalNotFoundError } from "./errors/approval-not-found-error.js";

/**
 * The approval queue and the audit journal, in one database. Every method is one operation
 * that the connection retries on a fresh client after SQLITE_BUSY. Create with `openStore`.
 */
export class ApprovalStore {
  readonly #connection: Connection;
  readonly #now: () => Date;
  readonly #auditHead: AuditHeadCache = {};

  /**
   * @param connection - the open database connection
   * @param now - the clock (injectable for tests)
   */
  constructor(connection: Connection, now: () => Date) {
    this.#connection = connection;
    this.#now = now;
  }

  /**
   * Returns the open identical request (same tool and canonical arguments, pending or
   * approved, unexpired) or creates a pending one.
   * @param request - tool, arguments, requester and lifetime (default 15 minutes)
   * @returns the approval, and whether it was created
   * @throws InputError for a malformed request
   */
  requestApproval(request: ApprovalRequest): Promise<ApprovalRequestResult> {
    return this.#connection.run((database) => requestApproval(database, this.#nowMs(), request));
  }

  /**
   * One approval by id (expired ones show as `expired`).
   * @param id - the approval id
   * @returns the approval, or undefined when unknown
   */
  get(id: string): Promise<ApprovalRecord | undefined> {
    return this.#connection.run((database) => getApproval(database, this.#nowMs(), id));
  }

  /**
   * One approval by id.
   * @param id - the approval id
   * @returns the approval
   * @throws ApprovalNotFoundError when unknown
   */
  async require(id: string): Promise<ApprovalRecord> {
    const approval = await this.get(id);
    if (approval === undefined) {
      throw new ApprovalNotFoundError(id);
    }
    return approval;
  }

  /**
   * Approvals, newest first.
   * @param options - optional state filter and limit (default 100)
   * @returns the approvals
   */
  list(options: ApprovalListOptions = {}): Promise<ApprovalRecord[]> {
    return this.#connection.run((database) => listApprovals(database, this.#nowMs(), options));
  }

  /**
   * `pending → approved`, only for an unexpired pending approval.
   * @param id - the approval id
   * @param decision - the approver and an optional note
   * @param decision.approver - who approves
   * @param decision.note - why
   * @returns the approved approval
   * @throws ApprovalNotFoundError, ApprovalExpiredError or ApprovalStateError
   */
  approve(id: string, decision: { approver: string; note?: string }): Promise<ApprovalRecord> {
    return this.#connection.run((database) =>
      decideApproval(database, this.#nowMs(), id, "approved", { by: decision.approver, ...noteOf(decision.note) }),
    );
  }

  /**
   * `pending → rejected`, only for an unexpired pending approval.
   * @param id - the approval id
   * @param decision - who rejects and an optional note
   * @param decision.by - who rejects
   * @param decision.note - why
   * @returns the rejected approval
   * @throws ApprovalNotFoundError, ApprovalExpiredError or ApprovalStateError
   */
  reject(id: string, decision: { by: string; note?: string }): Promise<ApprovalRecord> {
    return this.#connection.run((database) =>
      decideApproval(database, this.#nowMs(), id, "rejected", { by: decision.by, ...noteOf(decision.note) }),
    );
  }

  /**
   * `approved → executing` by id in one conditional update that also checks the request hash
   * and expiry; at most one caller ever gets `claimed: true` for an approval.
   * @param request - id, the call's tool and arguments, and the owner (default: this process)
   * @returns the claimed approval, or a refusal with its reason
   */
  claim(request: ClaimRequest): Promise<ClaimResult> {
    return this.#connection.run((database) => claimApproval(database, this.#nowMs(), request));
  }

  /**
   * `executing → completed | failed`. Call it in a `finally`, whatever the tool threw.
   * @param id - the approval id
   * @param outcome - ok, or the error message
   * @returns the finished approval
   * @throws ApprovalNotFoundError or ApprovalStateError when it is not executing
   */
  finalize(id: string, outcome: FinalizeOutcome): Promise<ApprovalRecord> {
    return this.#connection.run((database) => finalizeApproval(database, this.#nowMs(), id, outcome));
  }

  /**
   * Marks every due pending or approved approval `expired`. The other methods do this too.
   * @returns how many expired
   */
  expireDue(): Promise<number> {
    return this.#connection.run((database) => expireDue(database, this.#nowMs()));
  }

  /**
   * Fails (`interrupted`) every executing approval whose owner process is gone; never re-runs
   * anything. Call it when a runtime starts.
   * @param options - how to tell a live owner (defaults: pid + start time on this host, lease elsewhere)
   * @returns the recovered approvals
   */
  recoverInterrupted(options: RecoverOptions = {}): Promise<ApprovalRecord[]> {
    return this.#connection.run((database) => recoverInterrupted(database, this.#nowMs(), options));
  }

  /**
   * Appends one event to the hash-chained audit journal, with its arguments redacted.
   * @param event - the call to record
   * @returns the stored event with its seq and hashes
   * @throws InputError for a malformed event
   */
  appendAudit(event: AuditEventInput): Promise<AuditRecord> {
    return this.#connection.run((database, client) => appendAudit(database, client, this.#now(), event, this.#auditHead));
  }

  /**
   * Audit events, newest first.
   * @param options - filters by tool, outcome, caller, time; limit (default 100)
   * @returns the events
   */
  listAudit(options: AuditListOptions = {}): Promise<AuditRecord[]> {
    return this.#connection.run((database) => listAudit(database, options));
  }

  /**
   * Checks the audit chain for edited, deleted or re-linked rows: all of it, or with
   * `lastEvents` only the newest events (a quick check that does not grow with the journal).
   * @param options - `lastEvents` to check only the newest events
   * @returns ok, how many events were checked, and every problem
   */
  verifyAudit(options: AuditVerifyOptions = {}): Promise<AuditVerification> {
    return this.#connection.run((database) => verifyAudit(database, options));
  }

  /** Closes the database. */
  close(): void {
    this.#connection.close();
  }

  #nowMs(): number {
    return this.#now().getTime();
  }
}

function noteOf(note: string | undefined): { note?: string } {
  return note === undefined ? {} : { note };
}
