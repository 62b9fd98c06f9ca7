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
import type { ApprovalListOptions, ApprovalRequest, ApprovalRequestResult, ClaimRequest, FinalizeOutcome, RecoverOptions } from "./approval-queue.js";
import type { ApprovalRecord } from "./approval-record.js";
import type { AuditEventInput, AuditRecord } from "./audit-event.js";
import { AuditGroupCommit } from "./audit-group-commit.js";
import { auditEventFields, listAudit, verifyAudit } from "./audit-journal.js";
import type { AuditHeadCache, AuditListOptions, AuditVerifyOptions } from "./audit-journal.js";
import type { AuditVerification } from "./audit-verification.js";
import type { ClaimResult } from "./claim-result.js";
import type { CallerKind } from "@mc/core";
import type { Scope, StoreConnection } from "./store-dialect.js";
import { ApprovalError } from "./errors/approval-error.js";

let construct: (connection: StoreConnection, now: () => Date, host: string) => ApprovalStore;

/**
 * A store over an open connection (internal: openStore's; not exported from the package).
 * @param connection - the open database connection
 * @param now - the clock (injectable for tests)
 * @param host - the host this store records as and claims for (MC_HOST_ID)
 * @returns the store
 */
export function createApprovalStore(connection: StoreConnection, now: () => Date, host: string): ApprovalStore {
  return construct(connection, now, host);
}

/**
 * The approval queue and the audit journal, in one database: an embedded libSQL file (one
 * host's) or PostgreSQL (a fleet's). Every method is one operation that the connection runs
 * again from the start when it lost a race (SQLITE_BUSY; a PostgreSQL serialization failure,
 * deadlock or unique violation). Create with `openStore`.
 */
export class ApprovalStore {
  static {
    construct = (connection, now, host) => new ApprovalStore(connection, now, host);
  }

  readonly #connection: StoreConnection;
  readonly #now: () => Date;
  readonly #host: string;
  readonly #auditHead: AuditHeadCache = {};
  readonly #auditGroup: AuditGroupCommit;

  // Private, so the published declaration shows no parameter types: the connection's are
  // drizzle's and libSQL's, and a consumer compiling with skipLibCheck false would check
  // drizzle-orm's own declarations (which do not compile without its optional drivers).
  private constructor(connection: StoreConnection, now: () => Date, host: string) {
    this.#connection = connection;
    this.#now = now;
    this.#host = host;
    this.#auditGroup = new AuditGroupCommit(connection, (database) => this.#scope(database), this.#auditHead);
  }

  /** The host this store records every approval and event as, and the only one whose approvals it claims. */
  get host(): string {
    return this.#host;
  }

  /** Which store this is: `libsql` (embedded, one host) or `postgres` (a fleet). */
  get backend(): "libsql" | "postgres" {
    return this.#connection.dialect.name;
  }

  /**
   * Returns the open identical request (same tool and canonical arguments, pending or
   * approved, unexpired) or creates a pending one.
   * @param request - tool, arguments, requester and lifetime (default 15 minutes)
   * @returns the approval, and whether it was created
   * @throws InputError for a malformed request
   */
  requestApproval(request: ApprovalRequest): Promise<ApprovalRequestResult> {
    return this.#recording((scope) => requestApproval(scope, this.#nowMs(), request));
  }

  /**
   * One approval by id (expired ones show as `expired`).
   * @param id - the approval id
   * @returns the approval, or undefined when unknown
   */
  get(id: string): Promise<ApprovalRecord | undefined> {
    return this.#recording((scope) => getApproval(scope, this.#nowMs(), id));
  }

  /**
   * One approval by id.
   * @param id - the approval id
   * @returns the approval
   * @throws ApprovalError `approval_not_found` when unknown
   */
  async require(id: string): Promise<ApprovalRecord> {
    const approval = await this.get(id);
    if (approval === undefined) {
      throw ApprovalError.notFound(id);
    }
    return approval;
  }

  /**
   * Approvals of every host (or of `options.host`), newest first.
   * @param options - optional state and host filters and limit (default 100)
   * @returns the approvals
   */
  list(options: ApprovalListOptions = {}): Promise<ApprovalRecord[]> {
    return this.#recording((scope) => listApprovals(scope, this.#nowMs(), options));
  }

  /**
   * `pending → approved`, only for an unexpired pending approval; the decision's audit event
   * (approver, how, note) is appended in the same transaction.
   * @param id - the approval id
   * @param decision - the approver and an optional note
   * @param decision.approver - who approves
   * @param decision.note - why
   * @param decision.via - how (e.g. `mc approvals approve`), for the audit event
   * @param decision.caller - the surface (default `cli`), for the audit event
   * @param decision.clientName - the client, when a client's prompt approved
   * @returns the approved approval
   * @throws ApprovalError: `approval_not_found`, `approval_expired` or `approval_state`
   */
  approve(id: string, decision: { approver: string; note?: string } & DecisionSource): Promise<ApprovalRecord> {
    return this.#recording((database) =>
      decideApproval(database, this.#nowMs(), id, "approved", { by: decision.approver, ...noteOf(decision.note), ...sourceOf(decision) }),
    );
  }

  /**
   * `pending → rejected`, only for an unexpired pending approval, audited in the same transaction.
   * @param id - the approval id
   * @param decision - who rejects and an optional note
   * @param decision.by - who rejects
   * @param decision.note - why
   * @param decision.via - how, for the audit event
   * @param decision.caller - the surface (default `cli`), for the audit event
   * @param decision.clientName - the client, when a client's prompt rejected
   * @returns the rejected approval
   * @throws ApprovalError: `approval_not_found`, `approval_expired` or `approval_state`
   */
  reject(id: string, decision: { by: string; note?: string } & DecisionSource): Promise<ApprovalRecord> {
    return this.#recording((database) =>
      decideApproval(database, this.#nowMs(), id, "rejected", { by: decision.by, ...noteOf(decision.note), ...sourceOf(decision) }),
    );
  }

  /**
   * `approved → executing` by id in one conditional update that also checks the request hash,
   * expiry and host (only this store's host may claim its approvals; another host's id is
   * refused as `other_host`); at most one caller ever gets `claimed: true` for an approval. With `started`,
   * the call's `started` audit event is appended in the same transaction: when it cannot be
   * written the claim rolls back and this throws, and the call must not run.
   * @param request - id, the call's tool and arguments, the owner (default: this process), the started event
   * @returns the claimed approval, or a refusal with its reason
   * @throws ApprovalError `store_failed` or the database's error when the claim (or its event) could not be stored
   */
  claim(request: ClaimRequest): Promise<ClaimResult> {
    return this.#recording((scope) => claimApproval(scope, this.#nowMs(), request));
  }

  /**
   * `executing → completed | failed`. Call it in a `finally`, whatever the tool threw. With
   * `finalEvent`, the call's final audit event (its approval id set to `id`) is appended in the
   * same transaction; when this throws, neither was stored and the caller should append the
   * event by itself.
   * @param id - the approval id
   * @param outcome - ok, or the error message
   * @param finalEvent - the call's final audit event
   * @returns the finished approval
   * @throws ApprovalError: `approval_not_found`, or `approval_state` when it is not executing
   */
  finalize(id: string, outcome: FinalizeOutcome, finalEvent?: AuditEventInput): Promise<ApprovalRecord> {
    return this.#recording((scope) => finalizeApproval(scope, this.#nowMs(), id, outcome, finalEvent));
  }

  /**
   * Marks every due pending or approved approval `expired`. The other methods do this too.
   * @returns how many expired
   */
  expireDue(): Promise<number> {
    return this.#recording((scope) => expireDue(scope, this.#nowMs()));
  }

  /**
   * Fails (`interrupted`) every executing approval whose owner process is gone; never re-runs
   * anything. Call it when a runtime starts.
   * @param options - how to tell a live owner (defaults: pid + start time on this host, lease elsewhere)
   * @returns the recovered approvals
   */
  recoverInterrupted(options: RecoverOptions = {}): Promise<ApprovalRecord[]> {
    return this.#recording((scope) => recoverInterrupted(scope, this.#nowMs(), options));
  }

  /**
   * Appends one event to the hash-chained audit journal, with its arguments redacted.
   * @param event - the call to record
   * @returns the stored event with its seq and hashes
   * @throws InputError for a malformed event
   */
  async appendAudit(event: AuditEventInput): Promise<AuditRecord> {
    // Concurrent appends share one commit (group commit); each resolves once it is durable.
    return this.#auditGroup.append(auditEventFields(this.#now(), event, this.#host));
  }

  /**
   * Audit events, newest first (several hosts' chains interleave by time).
   * @param options - filters by tool, outcome, caller, host, time; limit (default 100)
   * @returns the events
   */
  listAudit(options: AuditListOptions = {}): Promise<AuditRecord[]> {
    return this.#connection.run((database) => listAudit(this.#scope(database), options));
  }

  /**
   * Checks the audit chain for edited, deleted or re-linked rows: all of it, or with
   * `lastEvents` only the newest events (a quick check that does not grow with the journal).
   * On PostgreSQL every host's chain is checked, or only `host`'s.
   * @param options - `lastEvents` to check only the newest events; `host` for one host's chain
   * @returns ok, how many events were checked, and every problem
   */
  verifyAudit(options: AuditVerifyOptions = {}): Promise<AuditVerification> {
    return this.#connection.run((database) => verifyAudit(this.#scope(database), options));
  }

  /** Closes the database. */
  close(): void {
    this.#connection.close();
  }

  #scope(database: Scope["database"]): Scope {
    return { database, dialect: this.#connection.dialect, host: this.#host };
  }

  #nowMs(): number {
    return this.#now().getTime();
  }

  /**
   * Runs an operation that may append audit events inside its own transactions (expiry,
   * decisions, claims, recovery): the cached chain head is forgotten, so the next plain append
   * reads the head instead of guessing (a wrong guess would only cost a retry, never a fork).
   */
  async #recording<T>(operation: (scope: Scope) => Promise<T>): Promise<T> {
    this.#auditHead.current = undefined;
    try {
      return await this.#connection.run((database) => operation(this.#scope(database)));
    } finally {
      this.#auditHead.current = undefined;
    }
  }
}

/** Where a decision came from, recorded in its audit event. */
export interface DecisionSource {
  /** How it was made (e.g. `mc approvals approve`, `the client's elicitation prompt`). */
  via?: string;
  /** The surface it came through; default `cli`. */
  caller?: CallerKind;
  /** The client's name, when a client's prompt carried it. */
  clientName?: string | null;
}

function sourceOf(source: DecisionSource): DecisionSource {
  return {
    ...(source.via === undefined ? {} : { via: source.via }),
    ...(source.caller === undefined ? {} : { caller: source.caller }),
    ...(source.clientName === undefined ? {} : { clientName: source.clientName }),
  };
}

function noteOf(note: string | undefined): { note?: string } {
  return note === undefined ? {} : { note };
}
