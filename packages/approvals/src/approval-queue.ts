import { CALLER_KINDS, canonicalJson, InputError, type CallerKind } from "@mc/core";
import { and, desc, eq, gt, inArray, isNull, lte, or } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import { newApprovalId } from "./approval-id.js";
import { toApprovalRecord } from "./approval-record.js";
import type { ApprovalRecord, Requester } from "./approval-record.js";
import { APPROVAL_STATUSES } from "./approval-status.js";
import type { ApprovalStatus } from "./approval-status.js";
import { appendAuditInTransaction } from "./audit-journal.js";
import type { AuditEventInput } from "./audit-event.js";
import type { ClaimRefusal, ClaimResult } from "./claim-result.js";
import { ApprovalError } from "./errors/approval-error.js";
import { currentOwner, isOwnerAlive as defaultIsOwnerAlive } from "./executor-owner.js";
import type { ExecutorOwner } from "./executor-owner.js";
import { identifyingArguments, requestHash } from "./request-hash.js";
import type { ApprovalsTable, Scope } from "./store-dialect.js";
import { checkLimit } from "./list-limit.js";
import { boundedText, storedText } from "./stored-value.js";

/** Default lifetime of a pending or approved request: 15 minutes (docs/approvals.md). */
export const DEFAULT_APPROVAL_TTL_MS = 15 * 60 * 1000;

/** Default claim lease, which only matters for owners on another host. */
export const DEFAULT_LEASE_MS = 10 * 60 * 1000;

/** The error recorded on an execution whose owner died. */
export const INTERRUPTED_ERROR = "interrupted";

/**
 * Largest canonical JSON of a queued request's arguments (1 MiB). A tool's own schema bounds its
 * input far below this (a config file's content is at most 128 KiB); this only stops a tool
 * without bounds from filling the queue.
 */
export const MAX_APPROVAL_ARGUMENTS_BYTES = 1024 * 1024;

/** A call that needs approval. */
export interface ApprovalRequest {
  /** Tool name. */
  tool: string;
  /** The call's arguments; `approval_id` is ignored. */
  arguments: Readonly<Record<string, unknown>>;
  /** Who asks. */
  requester: Requester;
  /** How long the request stays usable; defaults to 15 minutes. */
  ttlMs?: number;
}

/** Result of requesting an approval. */
export interface ApprovalRequestResult {
  /** True when a new pending approval was created; false when an identical open one was returned. */
  created: boolean;
  /** The pending (or already approved) approval. */
  approval: ApprovalRecord;
}

/** Filters for listing approvals. */
export interface ApprovalListOptions {
  /** Only approvals in this state. */
  status?: ApprovalStatus;
  /** Only this host's approvals (default: every host's). */
  host?: string;
  /** At most this many, newest first; default 100. */
  limit?: number;
}

/** A human's decision. */
export interface ApprovalDecision {
  /** Who decides (for example the operator's user name). */
  by: string;
  /** Why, shown in `mc approvals show`. */
  note?: string;
  /** How the decision was made, for the audit event (e.g. `mc approvals approve`, `MCP elicitation`). */
  via?: string;
  /** The surface the decision came through, for the audit event; default `cli`. */
  caller?: CallerKind;
  /** The client's name, when the decision came through a client. */
  clientName?: string | null;
}

/** The `started` audit event a claim writes in its own transaction. */
export interface StartedEvent {
  /** The surface the call came through. */
  caller: CallerKind;
  /** The client's name, when known. */
  clientName?: string | null;
  /** The arguments to record; default the claim's arguments. */
  arguments?: Readonly<Record<string, unknown>>;
  /** Why it may run; default `approved by <approver>`. */
  reason?: string;
}

/** What a claim must match. */
export interface ClaimRequest {
  /** The approval id the client repeated the call with. */
  id: string;
  /** The tool being called now. */
  tool: string;
  /** The arguments of the call now (`approval_id` is ignored). */
  arguments: Readonly<Record<string, unknown>>;
  /** The claiming process; defaults to this one. */
  owner?: ExecutorOwner;
  /** How long the claim holds for owners on other hosts; default 10 minutes. */
  leaseMs?: number;
  /**
   * The call's `started` audit event, appended in the same transaction as the claim: either
   * both are stored or neither is (and then the call must not run).
   */
  started?: StartedEvent;
}

/** How an execution ended. */
export interface FinalizeOutcome {
  /** True → `completed`, false → `failed`. */
  ok: boolean;
  /** The failure's message (used when `ok` is false). */
  error?: string;
}

/** How to tell whether a claim's owner still runs. */
export interface RecoverOptions {
  /** For owners on this host; defaults to comparing pid and /proc start time. */
  isOwnerAlive?: (owner: ExecutorOwner) => boolean;
  /** This host's name; owners elsewhere are judged by their lease. Defaults to the store's host. */
  host?: string;
}

/**
 * Marks pending and approved rows whose expiry has passed as `expired`.
 * @param scope - the database or transaction, its dialect and this store's host
 * @param nowMs - the current time
 * @returns how many rows expired
 */
export async function expireDue(scope: Scope, nowMs: number): Promise<number> {
  const { approvals } = scope.dialect;
  // A read first: most operations find nothing due and so take no write lock.
  const [due] = await scope.database.select({ id: approvals.id }).from(approvals).where(isDue(approvals, nowMs)).limit(1);
  if (due === undefined) {
    return 0;
  }
  return scope.database.transaction((transaction) => expireDueInTransaction({ ...scope, database: transaction }, nowMs));
}

/**
 * Expires what is due inside the caller's write transaction, appending one `expired` audit
 * event per approval in the same transaction (every expiry is an audit event).
 * Each event goes to the chain of the approval's host (hosts in order, so two processes
 * expiring the same set lock the hosts' chain heads in the same order).
 * @param transaction - an open write transaction
 * @param nowMs - the current time
 * @returns how many rows expired
 */
export async function expireDueInTransaction(transaction: Scope, nowMs: number): Promise<number> {
  const { approvals } = transaction.dialect;
  const expired = await transaction.database.update(approvals).set({ status: "expired" }).where(isDue(approvals, nowMs)).returning();
  expired.sort((left, right) => (left.host ?? "").localeCompare(right.host ?? "") || left.createdAt - right.createdAt);
  for (const row of expired) {
    const wasApproved = row.decidedBy !== null;
    await appendAuditInTransaction(chainOf(transaction, row), new Date(nowMs), {
      ...approvalEventBase(row),
      decision: "expired",
      outcome: "denied",
      reason: wasApproved
        ? `approved by ${row.decidedBy} but never run before it expired at ${new Date(row.expiresAt).toISOString()}`
        : `not decided before it expired at ${new Date(row.expiresAt).toISOString()}`,
    });
  }
  return expired.length;
}

/** The scope whose chain records events about an approval: its host's (this store's for rows from before hosts). */
function chainOf(scope: Scope, row: ApprovalsTable["$inferSelect"]): Scope {
  return { ...scope, host: row.host ?? scope.host };
}

function isDue(approvals: ApprovalsTable, nowMs: number): SQL | undefined {
  return and(inArray(approvals.status, ["pending", "approved"]), lte(approvals.expiresAt, nowMs));
}

/** The fields every event about one approval shares: its tool, arguments, requester and id. */
function approvalEventBase(row: ApprovalsTable["$inferSelect"]): Pick<AuditEventInput, "caller" | "clientName" | "tool" | "arguments" | "approvalId"> {
  return {
    caller: row.requesterCaller as CallerKind,
    clientName: row.requesterClient,
    tool: row.tool,
    arguments: JSON.parse(row.arguments) as Record<string, unknown>,
    approvalId: row.id,
  };
}

/**
 * Returns the open (pending or approved, unexpired) request with the same identity, or
 * creates a pending one — in one write transaction, so two processes asking at once get one.
 * @param scope - the database, its dialect and this store's host
 * @param nowMs - the current time
 * @param request - tool, arguments, requester, lifetime
 * @returns the approval and whether it was created
 */
export async function requestApproval(scope: Scope, nowMs: number, request: ApprovalRequest): Promise<ApprovalRequestResult> {
  const { approvals } = scope.dialect;
  const ttlMs = request.ttlMs ?? DEFAULT_APPROVAL_TTL_MS;
  checkRequest(request, ttlMs);
  const storedArguments = canonicalJson(identifyingArguments(request.arguments));
  if (Buffer.byteLength(storedArguments, "utf8") > MAX_APPROVAL_ARGUMENTS_BYTES) {
    throw new InputError(`The arguments of ${request.tool} are too large to queue for approval (over ${MAX_APPROVAL_ARGUMENTS_BYTES} bytes as JSON).`, [
      { path: "arguments", message: "too large to queue" },
    ]);
  }
  const hash = requestHash(request.tool, request.arguments);
  return scope.database.transaction(async (transaction) => {
    await expireDueInTransaction({ ...scope, database: transaction }, nowMs);
    const [existing] = await transaction
      .select()
      .from(approvals)
      .where(
        and(
          eq(approvals.host, scope.host),
          eq(approvals.requestHash, hash),
          inArray(approvals.status, ["pending", "approved"]),
          gt(approvals.expiresAt, nowMs),
        ),
      )
      .limit(1);
    if (existing !== undefined) {
      return { created: false, approval: toApprovalRecord(existing) };
    }
    const [row] = await transaction
      .insert(approvals)
      .values({
        id: newApprovalId(),
        host: scope.host,
        tool: request.tool,
        arguments: storedArguments,
        requestHash: hash,
        requesterCaller: request.requester.caller,
        requesterClient: request.requester.clientName === null || request.requester.clientName === undefined ? null : storedText(request.requester.clientName),
        status: "pending",
        createdAt: nowMs,
        expiresAt: nowMs + ttlMs,
      })
      .returning();
    return { created: true, approval: toApprovalRecord(definite(row)) };
  });
}

/**
 * One approval by id, after expiring what is due.
 * @param scope - the database, its dialect and this store's host
 * @param nowMs - the current time
 * @param id - the approval id
 * @returns the approval, or undefined when the id is unknown
 */
export async function getApproval(scope: Scope, nowMs: number, id: string): Promise<ApprovalRecord | undefined> {
  const { approvals } = scope.dialect;
  await expireDue(scope, nowMs);
  const [row] = await scope.database.select().from(approvals).where(eq(approvals.id, id)).limit(1);
  return row === undefined ? undefined : toApprovalRecord(row);
}

/**
 * Approvals, newest first, after expiring what is due.
 * @param scope - the database, its dialect and this store's host
 * @param nowMs - the current time
 * @param options - state filter and limit
 * @returns the matching approvals
 */
export async function listApprovals(scope: Scope, nowMs: number, options: ApprovalListOptions = {}): Promise<ApprovalRecord[]> {
  const { approvals } = scope.dialect;
  const limit = checkLimit(options.limit);
  if (options.status !== undefined && !APPROVAL_STATUSES.includes(options.status)) {
    throw new InputError(`Unknown approval status ${JSON.stringify(options.status)}; expected one of ${APPROVAL_STATUSES.join(", ")}.`, [
      { path: "status", message: "unknown status" },
    ]);
  }
  await expireDue(scope, nowMs);
  const rows = await scope.database
    .select()
    .from(approvals)
    .where(
      and(
        options.status === undefined ? undefined : eq(approvals.status, options.status),
        options.host === undefined ? undefined : eq(approvals.host, options.host),
      ),
    )
    .orderBy(desc(approvals.createdAt), desc(approvals.id))
    .limit(limit);
  return rows.map(toApprovalRecord);
}

/**
 * Decides a pending approval: `pending → approved` or `pending → rejected`, as one
 * conditional update that also requires it to be unexpired.
 * @param scope - the database, its dialect and this store's host
 * @param nowMs - the current time
 * @param id - the approval id
 * @param verdict - `approved` or `rejected`
 * @param decision - who and why
 * @returns the decided approval
 * @throws ApprovalError: `approval_not_found`, `approval_expired` or `approval_state`
 */
export async function decideApproval(
  scope: Scope,
  nowMs: number,
  id: string,
  verdict: "approved" | "rejected",
  decision: ApprovalDecision,
): Promise<ApprovalRecord> {
  if (typeof decision.by !== "string" || decision.by.trim() === "") {
    throw new InputError("Who decides must be a non-empty name.", [{ path: "by", message: "empty" }]);
  }
  if (decision.caller !== undefined && !CALLER_KINDS.includes(decision.caller)) {
    throw new InputError(`The decision's caller must be one of ${CALLER_KINDS.join(", ")}.`, [{ path: "caller", message: "unknown caller kind" }]);
  }
  const { approvals } = scope.dialect;
  await expireDue(scope, nowMs);
  // The decision and its audit event commit together: no approval is decided unrecorded. The
  // event goes to the chain of the approval's host, whichever machine the operator is on.
  const decided = await scope.database.transaction(async (transaction) => {
    const [row] = await transaction
      .update(approvals)
      .set({
        status: verdict,
        decidedAt: nowMs,
        decidedBy: storedText(decision.by),
        decisionNote: decision.note === undefined ? null : storedText(decision.note),
      })
      .where(and(eq(approvals.id, id), eq(approvals.status, "pending"), gt(approvals.expiresAt, nowMs)))
      .returning();
    if (row === undefined) {
      return undefined;
    }
    const how = decision.via === undefined ? "" : ` via ${decision.via}`;
    await appendAuditInTransaction(chainOf({ ...scope, database: transaction }, row), new Date(nowMs), {
      ...approvalEventBase(row),
      caller: decision.caller ?? "cli",
      clientName: decision.clientName ?? null,
      decision: verdict,
      outcome: verdict === "approved" ? "ok" : "denied",
      reason: `${verdict} by ${decision.by}${how}${decision.note === undefined ? "" : `: ${decision.note}`}`,
    });
    return row;
  });
  if (decided !== undefined) {
    return toApprovalRecord(decided);
  }
  const current = await getApproval(scope, nowMs, id);
  if (current === undefined) {
    throw ApprovalError.notFound(id);
  }
  if (current.status === "expired") {
    throw ApprovalError.expired(id, current.expiresAt);
  }
  throw ApprovalError.state(id, current.status, ["pending"], verdict === "approved" ? "approve" : "reject");
}

/**
 * Claims an approved request for execution by id, in ONE conditional update (after a read that
 * turns away calls that cannot win without taking the write lock): only an
 * `approved`, unexpired row whose request hash matches this call becomes `executing`, so two
 * processes can never both run it, and a later replay finds it used.
 * @param scope - the database, its dialect and this store's host
 * @param nowMs - the current time
 * @param request - id, the call's tool and arguments, the owner
 * @returns the claimed approval, or a refusal saying why
 */
export async function claimApproval(scope: Scope, nowMs: number, request: ClaimRequest): Promise<ClaimResult> {
  const { approvals } = scope.dialect;
  const database = scope.database;
  const hash = requestHash(request.tool, request.arguments);
  const owner = request.owner ?? { ...currentOwner(), host: scope.host };
  const leaseMs = request.leaseMs ?? DEFAULT_LEASE_MS;
  // Read first: a call that cannot win (already used, not approved, unknown, other arguments,
  // due) is answered without the database's write lock, which racing processes queue on.
  // Only the conditional update below decides who wins.
  const [seen] = await database.select().from(approvals).where(eq(approvals.id, request.id)).limit(1);
  if (seen === undefined || seen.status !== "approved" || seen.requestHash !== hash || seen.expiresAt <= nowMs || !isOwnHost(seen, scope.host)) {
    return refuseClaim(request, seen, hash, nowMs, scope.host);
  }
  // The claim and its `started` event commit together: if the event cannot be written (a full
  // disk), the claim rolls back with it, the approval stays approved, and nothing runs.
  const row = await database.transaction(async (transaction) => {
    const [claimed] = await transaction
      .update(approvals)
      .set({
        status: "executing",
        executorHost: owner.host,
        executorPid: owner.pid,
        executorStartTime: owner.startTime,
        claimedAt: nowMs,
        leaseExpiresAt: nowMs + leaseMs,
      })
      .where(
        and(
          eq(approvals.id, request.id),
          eq(approvals.status, "approved"),
          eq(approvals.requestHash, hash),
          gt(approvals.expiresAt, nowMs),
          // Only the host that asked runs it (rows from before hosts have none).
          or(eq(approvals.host, scope.host), isNull(approvals.host)),
        ),
      )
      .returning();
    if (claimed !== undefined && request.started !== undefined) {
      const { started } = request;
      await appendAuditInTransaction({ ...scope, database: transaction }, new Date(nowMs), {
        caller: started.caller,
        clientName: started.clientName ?? null,
        tool: request.tool,
        arguments: started.arguments ?? identifyingArguments(request.arguments),
        decision: "allowed",
        outcome: "started",
        approvalId: request.id,
        reason: started.reason ?? `approved by ${claimed.decidedBy ?? "an operator"}; claimed by pid ${owner.pid} on ${owner.host}`,
      });
    }
    return claimed;
  });
  if (row !== undefined) {
    return { claimed: true, approval: toApprovalRecord(row) };
  }
  const [current] = await database.select().from(approvals).where(eq(approvals.id, request.id)).limit(1);
  return refuseClaim(request, current, hash, nowMs, scope.host);
}

function isOwnHost(row: ApprovalsTable["$inferSelect"], host: string): boolean {
  return row.host === null || row.host === host;
}

function refuseClaim(request: ClaimRequest, current: ApprovalsTable["$inferSelect"] | undefined, hash: string, nowMs: number, host: string): ClaimResult {
  if (current !== undefined && !isOwnHost(current, host)) {
    return {
      claimed: false,
      refusal: "other_host",
      message: `Approval ${request.id} belongs to host ${JSON.stringify(current.host)}; only mc on that host may run it (this is ${JSON.stringify(host)}).`,
    };
  }
  const refusal = explainRefusal(current, hash, nowMs);
  return { claimed: false, refusal, message: refusalMessage(request.id, refusal, current?.tool, request.tool) };
}

/**
 * Ends an execution: `executing → completed` or `executing → failed` (conditional).
 * @param scope - the database, its dialect and this store's host
 * @param nowMs - the current time
 * @param id - the approval id
 * @param outcome - ok, or the error
 * @param finalEvent - the call's final audit event, stored in the same transaction
 * @returns the finished approval
 * @throws ApprovalError: `approval_not_found`, or `approval_state` when it is not executing
 */
export async function finalizeApproval(
  scope: Scope,
  nowMs: number,
  id: string,
  outcome: FinalizeOutcome,
  finalEvent?: AuditEventInput,
): Promise<ApprovalRecord> {
  const { approvals } = scope.dialect;
  const database = scope.database;
  // The final state and the call's final audit event commit together, or neither does.
  const row = await database.transaction(async (transaction) => {
    const [finished] = await transaction
      .update(approvals)
      .set({
        status: outcome.ok ? "completed" : "failed",
        finishedAt: nowMs,
        error: outcome.ok ? null : boundedText(outcome.error ?? "failed"),
      })
      .where(and(eq(approvals.id, id), eq(approvals.status, "executing")))
      .returning();
    if (finished !== undefined && finalEvent !== undefined) {
      await appendAuditInTransaction(chainOf({ ...scope, database: transaction }, finished), new Date(nowMs), { ...finalEvent, approvalId: id });
    }
    return finished;
  });
  if (row !== undefined) {
    return toApprovalRecord(row);
  }
  const [current] = await database.select().from(approvals).where(eq(approvals.id, id)).limit(1);
  if (current === undefined) {
    throw ApprovalError.notFound(id);
  }
  throw ApprovalError.state(id, current.status, ["executing"], "finalize");
}

/**
 * Fails every `executing` approval whose owner is gone — on this host, its pid no longer runs
 * with the recorded start time; on another host, its lease has run out — with the error
 * `interrupted`. Such a call is never run again: the client has to ask anew.
 * @param scope - the database, its dialect and this store's host
 * @param nowMs - the current time
 * @param options - how to judge owners
 * @returns the approvals that were recovered
 */
export async function recoverInterrupted(scope: Scope, nowMs: number, options: RecoverOptions = {}): Promise<ApprovalRecord[]> {
  const { approvals } = scope.dialect;
  const database = scope.database;
  const isAlive = options.isOwnerAlive ?? defaultIsOwnerAlive;
  const host = options.host ?? scope.host;
  // In the fleet store each host recovers only its own executions; another host's are its own
  // to judge (an embedded database is one host's, whatever its rows say).
  const executing = await database
    .select()
    .from(approvals)
    .where(and(eq(approvals.status, "executing"), scope.dialect.chainPerHost ? eq(approvals.host, scope.host) : undefined));
  const recovered: ApprovalRecord[] = [];
  for (const row of executing) {
    const record = toApprovalRecord(row);
    const owner = record.executor;
    const gone = owner === null ? true : owner.host === host ? !isAlive(owner) : (row.leaseExpiresAt ?? 0) <= nowMs;
    if (!gone) {
      continue;
    }
    // Conditional on the same claim, so a row finalized meanwhile is left alone; the recovery
    // and its audit event commit together.
    const updated = await database.transaction(async (transaction) => {
      const [failed] = await transaction
        .update(approvals)
        .set({ status: "failed", error: INTERRUPTED_ERROR, finishedAt: nowMs })
        .where(and(eq(approvals.id, row.id), eq(approvals.status, "executing"), row.claimedAt === null ? undefined : eq(approvals.claimedAt, row.claimedAt)))
        .returning();
      if (failed !== undefined) {
        const who = owner === null ? "an unknown process" : `pid ${owner.pid} on ${owner.host}`;
        await appendAuditInTransaction(chainOf({ ...scope, database: transaction }, failed), new Date(nowMs), {
          ...approvalEventBase(failed),
          decision: "recovered",
          outcome: "failed",
          error: INTERRUPTED_ERROR,
          reason: `the process that ran it (${who}) is gone; marked failed, never re-run`,
        });
      }
      return failed;
    });
    if (updated !== undefined) {
      recovered.push(toApprovalRecord(updated));
    }
  }
  return recovered;
}

function explainRefusal(row: ApprovalsTable["$inferSelect"] | undefined, hash: string, nowMs: number): ClaimRefusal {
  if (row === undefined) {
    return "unknown_id";
  }
  if (row.requestHash !== hash) {
    return "hash_mismatch";
  }
  switch (row.status) {
    case "pending":
      return row.expiresAt <= nowMs ? "expired" : "not_approved";
    case "rejected":
      return "rejected";
    case "expired":
      return "expired";
    case "approved":
      // The conditional update only misses an approved row with a matching hash once it is due.
      return "expired";
    default:
      return "already_used";
  }
}

function refusalMessage(id: string, refusal: ClaimRefusal, approvedTool: string | undefined, calledTool: string): string {
  switch (refusal) {
    case "unknown_id":
      return `No approval has the id ${JSON.stringify(id)}.`;
    case "hash_mismatch":
      return approvedTool === calledTool
        ? `Approval ${id} was granted for ${approvedTool} with different arguments; repeat exactly the approved call.`
        : `Approval ${id} was granted for ${approvedTool ?? "another tool"}, not ${calledTool}.`;
    case "not_approved":
      return `Approval ${id} is still pending; a human has to run \`mc approvals approve ${id}\` first.`;
    case "rejected":
      return `Approval ${id} was rejected.`;
    case "expired":
      return `Approval ${id} expired; call the tool again without approval_id to ask anew.`;
    case "already_used":
      return `Approval ${id} was already used; an approval runs its call once.`;
    case "other_host":
      return `Approval ${id} belongs to another host.`;
  }
}

function checkRequest(request: ApprovalRequest, ttlMs: number): void {
  const issues: { path: string; message: string }[] = [];
  if (typeof request.tool !== "string" || request.tool === "") {
    issues.push({ path: "tool", message: "must be a non-empty tool name" });
  } else if (request.tool.includes("\0")) {
    // A tool name is an identifier the store compares and hashes: refused, not escaped.
    issues.push({ path: "tool", message: "must not contain NUL" });
  }
  if (typeof request.arguments !== "object" || request.arguments === null || Array.isArray(request.arguments)) {
    issues.push({ path: "arguments", message: "must be an object" });
  }
  if (!CALLER_KINDS.includes(request.requester?.caller)) {
    issues.push({ path: "requester.caller", message: `must be one of ${CALLER_KINDS.join(", ")}` });
  }
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    issues.push({ path: "ttlMs", message: "must be a positive whole number of milliseconds" });
  }
  if (issues.length > 0) {
    throw new InputError(`Invalid approval request: ${issues.map((issue) => `${issue.path} ${issue.message}`).join("; ")}.`, issues);
  }
}

function definite<T>(value: T | undefined): T {
  if (value === undefined) {
    throw new Error("INSERT … RETURNING returned no row");
  }
  return value;
}
