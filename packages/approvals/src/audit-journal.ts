import { CALLER_KINDS, InputError, type CallerKind } from "@mc/core";
import type { Client, InValue } from "@libsql/client";
import { and, asc, desc, eq, fillPlaceholders, getTableColumns, gt, gte, lte, sql } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { SQL } from "drizzle-orm";
import type { LibSQLDatabase } from "drizzle-orm/libsql";
import { checkLimit } from "./list-limit.js";
import { AUDIT_DECISIONS, AUDIT_OUTCOMES, auditEventHash, GENESIS_HASH } from "./audit-event.js";
import type { AuditDecision, AuditEventInput, AuditOutcome, AuditRecord, HashedAuditFields } from "./audit-event.js";
import type { AuditProblem, AuditVerification } from "./audit-verification.js";
import type { PreparedStatements } from "./prepared-statements.js";
import { redactArguments } from "./redact-arguments.js";
import { auditEvents, auditHead } from "./schema.js";
import type { Scope } from "./store-dialect.js";
import { boundedArgumentsJson, boundedText } from "./stored-value.js";

/** Filters for listing audit events. */
export interface AuditListOptions {
  /** Only calls of this tool. */
  tool?: string;
  /** Only calls that ended this way. */
  outcome?: AuditOutcome;
  /** Only calls through this surface. */
  caller?: CallerKind;
  /** Only events of this host's chain. */
  host?: string;
  /** Only calls at or after this time. */
  since?: Date | string;
  /** Only calls at or before this time. */
  until?: Date | string;
  /** At most this many, newest first; default 100. */
  limit?: number;
}

const MAX_PROBLEMS = 1000;
const VERIFY_PAGE = 500;

/** The chain's last link as this process last wrote or read it. */
export interface AuditChainHead {
  /** Seq of the newest event. */
  seq: number;
  /** Its hash, which the next event links to. */
  hash: string;
}

/** Where a store keeps the head it last saw, so that an append need not read it first. */
export interface AuditHeadCache {
  /** Undefined until the first append of this store, and after a stale guess. */
  current?: AuditChainHead;
}

type EventFields = Omit<HashedAuditFields, "seq">;
type EventRow = HashedAuditFields & { prevHash: string; hash: string };

// Built once: drizzle renders the SQL with placeholders, each append only fills in values
// (building the query anew was a third of an append's CPU).
let appendAfterStatement: { sql: string; params: unknown[] } | undefined;

function buildAppendAfterStatement(database: LibSQLDatabase): { sql: string; params: unknown[] } {
  const headIsPrevious = and(
    eq(auditHead.id, 1),
    eq(auditHead.lastSeq, sql.placeholder("previousSeq")),
    eq(auditHead.lastHash, sql.placeholder("previousHash")),
  );
  // INSERT … SELECT <the row> FROM audit_head WHERE <head unchanged>: no row unless the guess holds.
  const values = Object.fromEntries(Object.keys(getTableColumns(auditEvents)).map((column) => [column, sql`${sql.placeholder(column)}`.as(column)]));
  return database
    .insert(auditEvents)
    .select(database.select(values).from(auditHead).where(headIsPrevious) as never)
    .toSQL();
}

/** The one-statement append after a known head; undefined (nothing written) when the head moved. */
async function appendAfter(
  database: LibSQLDatabase,
  client: Client,
  prepared: PreparedStatements | undefined,
  previous: AuditChainHead,
  base: EventFields,
): Promise<AuditRecord | undefined> {
  const fields: HashedAuditFields = { seq: previous.seq + 1, ...base };
  const row: EventRow = { ...fields, prevHash: previous.hash, hash: auditEventHash(previous.hash, fields) };
  const statement = (appendAfterStatement ??= buildAppendAfterStatement(database));
  const values = { ...row, previousSeq: previous.seq, previousHash: previous.hash };
  const args = fillPlaceholders(statement.params, values) as InValue[];
  // A file database runs it as a statement prepared once (the client prepares on every execute).
  const rowsAffected = prepared === undefined ? (await client.execute({ sql: statement.sql, args })).rowsAffected : prepared.run(statement.sql, args);
  return rowsAffected === 1 ? toAuditRecord(row) : undefined;
}

/**
 * Appends one event inside the caller's write transaction, so that it commits (or rolls back)
 * together with the approval change it records: a claim and its `started` event, a decision,
 * an expiry, a recovery, a finalize and its final event. A store that used this must forget its
 * cached head (the next append then reads it).
 * @param transaction - an open write transaction, its dialect, and the host whose chain gets the event
 * @param now - the time of the event, unless the event carries one
 * @param event - what to record; its arguments are redacted and bounded here
 * @returns the stored event
 */
export function appendAuditInTransaction(transaction: Scope, now: Date, event: AuditEventInput): Promise<AuditRecord> {
  return appendInTransaction(transaction, eventFields(now, event, transaction.host));
}

/** The stored fields of an event: checked, arguments redacted and bounded, text fields bounded. */
function eventFields(now: Date, event: AuditEventInput, host: string): EventFields {
  checkEvent(event);
  return {
    host,
    time: (event.time ?? now).toISOString(),
    caller: event.caller,
    clientName: event.clientName === undefined || event.clientName === null ? null : boundedText(event.clientName, 256),
    tool: boundedText(event.tool, 256),
    arguments: boundedArgumentsJson(redactArguments(event.arguments)),
    decision: event.decision,
    reason: event.reason === undefined || event.reason === null ? null : boundedText(event.reason),
    approvalId: event.approvalId === undefined || event.approvalId === null ? null : boundedText(event.approvalId, 128),
    durationMs: event.durationMs === undefined || event.durationMs === null ? null : Math.round(event.durationMs),
    outcome: event.outcome,
    error: event.error === undefined || event.error === null ? null : boundedText(event.error),
  };
}

async function appendInTransaction(scope: Scope, base: EventFields): Promise<AuditRecord> {
  if (scope.dialect.chainPerHost) {
    return appendToHostChain(scope, base);
  }
  const transaction = scope.database;
  const [head] = await transaction.select().from(auditHead).where(eq(auditHead.id, 1));
  // The last row is read only when the head row is gone; otherwise the head alone decides.
  const [last] = head === undefined ? await transaction.select().from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1) : [];
  // The head is the authority; the last row only stands in if the head row itself is gone
  // (verify reports that), so appending never fails and nothing is lost.
  const lastSeq = Math.max(head?.lastSeq ?? 0, last?.seq ?? 0);
  const prevHash = head?.lastHash ?? last?.hash ?? GENESIS_HASH;
  const fields: HashedAuditFields = { seq: lastSeq + 1, ...base };
  const hash = auditEventHash(prevHash, fields);
  // The trigger audit_head_follows_events moves (or recreates) the head in the same statement.
  const [row] = await transaction
    .insert(auditEvents)
    .values({ ...fields, prevHash, hash })
    .returning();
  if (row === undefined) {
    throw new Error("INSERT … RETURNING returned no row");
  }
  return toAuditRecord(row);
}

/**
 * PostgreSQL: the append locks this host's head row (`SELECT … FOR UPDATE`), so appends of one
 * host link one after another while other hosts' appends never wait; the head moves in the
 * same transaction. A missing head row is recreated from the host's newest event.
 */
async function appendToHostChain(scope: Scope, base: EventFields): Promise<AuditRecord> {
  const transaction = scope.database as unknown as NodePgDatabase;
  const { auditEvents: events, auditHead: pgAuditHead } = postgresTables(scope);
  const lockHead = async () => (await transaction.select().from(pgAuditHead).where(eq(pgAuditHead.host, scope.host)).for("update"))[0];
  let head = await lockHead();
  if (head === undefined) {
    const [last] = await transaction.select().from(events).where(eq(events.host, scope.host)).orderBy(desc(events.seq)).limit(1);
    await transaction
      .insert(pgAuditHead)
      .values({ host: scope.host, lastSeq: last?.seq ?? 0, lastHash: last?.hash ?? GENESIS_HASH })
      .onConflictDoNothing();
    head = await lockHead();
    if (head === undefined) {
      throw new Error(`the audit head of host ${scope.host} could not be created`);
    }
  }
  const fields: HashedAuditFields = { seq: head.lastSeq + 1, ...base };
  const hash = auditEventHash(head.lastHash, fields);
  const [row] = await transaction
    .insert(events)
    .values({ ...fields, host: scope.host, prevHash: head.lastHash, hash })
    .returning();
  if (row === undefined) {
    throw new Error("INSERT … RETURNING returned no row");
  }
  await transaction.update(pgAuditHead).set({ lastSeq: fields.seq, lastHash: hash }).where(eq(pgAuditHead.host, scope.host));
  return toAuditRecord(row);
}

/**
 * Audit events, newest first.
 * @param scope - the database, its dialect and this store's host
 * @param options - filters and limit
 * @returns the matching events
 */
export async function listAudit(scope: Scope, options: AuditListOptions = {}): Promise<AuditRecord[]> {
  const limit = checkLimit(options.limit);
  const auditEvents = scope.dialect.auditEvents;
  const conditions: SQL[] = [];
  if (options.host !== undefined) {
    conditions.push(eq(auditEvents.host, options.host));
  }
  if (options.tool !== undefined) {
    conditions.push(eq(auditEvents.tool, options.tool));
  }
  if (options.outcome !== undefined) {
    conditions.push(eq(auditEvents.outcome, options.outcome));
  }
  if (options.caller !== undefined) {
    conditions.push(eq(auditEvents.caller, options.caller));
  }
  if (options.since !== undefined) {
    conditions.push(gte(auditEvents.time, timeIso(options.since, "since")));
  }
  if (options.until !== undefined) {
    conditions.push(lte(auditEvents.time, timeIso(options.until, "until")));
  }
  const rows = await scope.database
    .select()
    .from(auditEvents)
    .where(conditions.length === 0 ? undefined : and(...conditions))
    // One chain orders by seq; several chains interleave by time.
    .orderBy(...(scope.dialect.chainPerHost ? [desc(auditEvents.time), asc(auditEvents.host), desc(auditEvents.seq)] : [desc(auditEvents.seq)]))
    .limit(limit);
  return rows.map(toAuditRecord);
}

/** How much of the chain `verifyAudit` walks. */
export interface AuditVerifyOptions {
  /**
   * Check only the newest this many events, linked from the stored hash of the event before
   * them, and the head: a quick check whose cost does not grow with the journal (doctor's).
   * Default: every event from the first.
   */
  lastEvents?: number;
  /**
   * PostgreSQL: check only this host's chain (default: every host's). An embedded libSQL
   * database holds one chain, whatever hosts its events name.
   */
  host?: string;
}

/**
 * Walks the chain: recomputes each event's hash (an edited row), checks seq numbers are
 * contiguous (a deleted row), checks each prev_hash is the previous hash (a re-linked chain),
 * and checks the head row names the last event (deleted newest rows). On PostgreSQL it walks
 * each host's chain (or the one named), and every problem names its host.
 * @param scope - the database and its dialect
 * @param options - the whole chain (default) or only its newest events; one host or all
 * @returns whether the part walked is intact, and every problem found
 */
export async function verifyAudit(scope: Scope, options: AuditVerifyOptions = {}): Promise<AuditVerification> {
  if (options.lastEvents !== undefined && (!Number.isSafeInteger(options.lastEvents) || options.lastEvents < 1)) {
    throw new InputError(`lastEvents must be a positive whole number, not ${String(options.lastEvents)}.`, [
      { path: "lastEvents", message: "not a positive integer" },
    ]);
  }
  const problems: AuditProblem[] = [];
  if (!scope.dialect.chainPerHost) {
    const [head] = await scope.database.select().from(auditHead).where(eq(auditHead.id, 1));
    const checked = await verifyChain(scope, undefined, head, options.lastEvents, (problem) => problems.length < MAX_PROBLEMS && problems.push(problem));
    return { ok: problems.length === 0, checked, problems };
  }
  const database = scope.database as unknown as NodePgDatabase;
  const { auditEvents: events, auditHead: pgAuditHead } = postgresTables(scope);
  let hosts: string[];
  if (options.host === undefined) {
    const named = [
      ...(await database.selectDistinct({ host: events.host }).from(events)),
      ...(await database.select({ host: pgAuditHead.host }).from(pgAuditHead)),
    ];
    hosts = [...new Set(named.map((row) => row.host))].sort();
  } else {
    hosts = [options.host];
  }
  let checked = 0;
  for (const host of hosts) {
    const [head] = await database.select().from(pgAuditHead).where(eq(pgAuditHead.host, host));
    checked += await verifyChain(scope, host, head, options.lastEvents, (problem) => problems.length < MAX_PROBLEMS && problems.push({ host, ...problem }));
  }
  return { ok: problems.length === 0, checked, problems };
}

/** The PostgreSQL tables of a per-host-chain dialect. */
function postgresTables(scope: Scope): NonNullable<Scope["dialect"]["postgres"]> {
  if (scope.dialect.postgres === undefined) {
    throw new Error(`the ${scope.dialect.name} dialect has no per-host chain tables`);
  }
  return scope.dialect.postgres;
}

/** Walks one chain (one host's, or the whole table when `host` is undefined) and returns how many events it checked. */
async function verifyChain(
  scope: Scope,
  host: string | undefined,
  head: { lastSeq: number; lastHash: string } | undefined,
  lastEvents: number | undefined,
  report: (problem: AuditProblem) => unknown,
): Promise<number> {
  const auditEvents = scope.dialect.auditEvents;
  const database = scope.database;
  const inChain = (condition?: SQL): SQL | undefined => (host === undefined ? condition : and(eq(auditEvents.host, host), condition));
  let checked = 0;
  let expectedSeq = 1;
  let previousHash = GENESIS_HASH;
  if (lastEvents !== undefined) {
    const [newest] = await database.select({ seq: auditEvents.seq }).from(auditEvents).where(inChain()).orderBy(desc(auditEvents.seq)).limit(1);
    const from = Math.max(head?.lastSeq ?? 0, newest?.seq ?? 0) - lastEvents + 1;
    if (from > 1) {
      // The event before the window anchors it; when it is gone, that gap is the first problem.
      const [anchor] = await database
        .select({ hash: auditEvents.hash })
        .from(auditEvents)
        .where(inChain(eq(auditEvents.seq, from - 1)));
      expectedSeq = anchor === undefined ? from - 1 : from;
      previousHash = anchor?.hash ?? "";
    }
  }
  for (;;) {
    const page = await database
      .select()
      .from(auditEvents)
      .where(inChain(gt(auditEvents.seq, expectedSeq - 1)))
      .orderBy(asc(auditEvents.seq))
      .limit(VERIFY_PAGE);
    for (const row of page) {
      if (row.seq > expectedSeq) {
        for (let seq = expectedSeq; seq < row.seq; seq += 1) {
          report({ seq, problem: "missing row" });
        }
      } else if (row.prevHash !== previousHash) {
        report({ seq: row.seq, problem: "chain break" });
      }
      if (auditEventHash(row.prevHash, row) !== row.hash) {
        report({ seq: row.seq, problem: "hash mismatch" });
      }
      previousHash = row.hash;
      expectedSeq = row.seq + 1;
      checked += 1;
    }
    if (page.length < VERIFY_PAGE) {
      break;
    }
  }
  const lastSeq = expectedSeq - 1;
  if (head === undefined) {
    if (checked > 0) {
      report({ seq: lastSeq, problem: "head mismatch" });
    }
  } else {
    for (let seq = lastSeq + 1; seq <= head.lastSeq; seq += 1) {
      report({ seq, problem: "missing row" });
    }
    if (head.lastSeq !== lastSeq || head.lastHash !== previousHash) {
      report({ seq: head.lastSeq, problem: "head mismatch" });
    }
  }
  return checked;
}

function toAuditRecord(row: EventRow): AuditRecord {
  return {
    host: row.host ?? null,
    seq: row.seq,
    time: row.time,
    caller: row.caller as CallerKind,
    clientName: row.clientName,
    tool: row.tool,
    arguments: parseArguments(row.arguments),
    decision: row.decision as AuditDecision,
    reason: row.reason,
    approvalId: row.approvalId,
    durationMs: row.durationMs,
    outcome: row.outcome as AuditOutcome,
    error: row.error,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

function parseArguments(text: string): Record<string, unknown> {
  // An edited row may hold anything; listing must still work so verify can point at it.
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { unparsable: text };
  }
}

function timeIso(value: Date | string, name: "since" | "until"): string {
  const time = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(time.getTime())) {
    throw new InputError(`"${name}" must be a date, not ${JSON.stringify(String(value))}.`, [{ path: name, message: "not a date" }]);
  }
  return time.toISOString();
}

function checkEvent(event: AuditEventInput): void {
  const issues: { path: string; message: string }[] = [];
  if (!CALLER_KINDS.includes(event.caller)) {
    issues.push({ path: "caller", message: `must be one of ${CALLER_KINDS.join(", ")}` });
  }
  if (typeof event.tool !== "string" || event.tool === "") {
    issues.push({ path: "tool", message: "must be a non-empty tool name" });
  }
  if (!AUDIT_DECISIONS.includes(event.decision)) {
    issues.push({ path: "decision", message: `must be one of ${AUDIT_DECISIONS.join(", ")}` });
  }
  if (!AUDIT_OUTCOMES.includes(event.outcome)) {
    issues.push({ path: "outcome", message: `must be one of ${AUDIT_OUTCOMES.join(", ")}` });
  }
  if (typeof event.arguments !== "object" || event.arguments === null || Array.isArray(event.arguments)) {
    issues.push({ path: "arguments", message: "must be an object" });
  }
  if (event.time !== undefined && Number.isNaN(event.time.getTime())) {
    issues.push({ path: "time", message: "is not a valid date" });
  }
  if (issues.length > 0) {
    throw new InputError(`Invalid audit event: ${issues.map((issue) => `${issue.path} ${issue.message}`).join("; ")}.`, issues);
  }
}

/** An event's stored fields, checked and bounded, without its place in the chain (seq, hashes). */
export type AuditEventFields = EventFields;

/**
 * An event's stored fields, checked, with its arguments redacted and bounded, before it is queued
 * for a grouped append — so a malformed event fails alone, at once.
 * @param now - the time of the event, unless the event carries one
 * @param event - the call to record
 * @param host - the host whose chain gets the event
 * @returns the fields to store
 * @throws InputError for a malformed event
 */
export function auditEventFields(now: Date, event: AuditEventInput, host: string): AuditEventFields {
  return eventFields(now, event, host);
}

/**
 * Appends several events as one write: one transaction and one commit, so one fsync for all of
 * them (group commit). The caller acknowledges none of them before this returns, i.e. before
 * that commit. On libSQL with a cached head it is a batch of the guarded one-statement appends,
 * each naming the row before it; when another process had moved the head those write nothing,
 * and the events not written are appended in a transaction that reads the head first (always
 * so on PostgreSQL, with this host's head row locked). One event is the plain append.
 * @param scope - the database, its dialect and this store's host
 * @param client - the libSQL client under `database`, for the guarded batch
 * @param prepared - for a file database, its statements prepared once, which run the guarded appends
 * @param events - the events' fields (from `auditEventFields`), in order
 * @param head - the store's cache of the chain head, updated here
 * @returns the stored events, in the same order
 */
export async function appendAuditBatch(
  scope: Scope,
  client: Client | undefined,
  prepared: PreparedStatements | undefined,
  events: readonly AuditEventFields[],
  head: AuditHeadCache,
): Promise<AuditRecord[]> {
  const cached = head.current;
  head.current = undefined;
  const fast = cached !== undefined && client !== undefined && !scope.dialect.chainPerHost;
  let records: AuditRecord[] = [];
  if (fast && events.length === 1) {
    const written = await appendAfter(scope.database as LibSQLDatabase, client, prepared, cached, events[0] as AuditEventFields);
    if (written !== undefined) records = [written];
  } else if (fast) {
    const statement = (appendAfterStatement ??= buildAppendAfterStatement(scope.database as LibSQLDatabase));
    const rows: EventRow[] = [];
    let previous = cached;
    for (const base of events) {
      const fields: HashedAuditFields = { seq: previous.seq + 1, ...base };
      const row: EventRow = { ...fields, prevHash: previous.hash, hash: auditEventHash(previous.hash, fields) };
      rows.push(row);
      previous = { seq: row.seq, hash: row.hash };
    }
    const statements = rows.map((row) => ({
      sql: statement.sql,
      args: fillPlaceholders(statement.params, { ...row, previousSeq: row.seq - 1, previousHash: row.prevHash }) as InValue[],
    }));
    const rowsAffected =
      prepared === undefined ? (await client.batch(statements, "write")).map((result) => result.rowsAffected) : prepared.runInWriteTransaction(statements);
    // Each guard names the row before it, so what was written is a prefix: all, or none when
    // another process had moved the head.
    const firstUnwritten = rowsAffected.findIndex((changed) => changed !== 1);
    records = rows.slice(0, firstUnwritten === -1 ? rows.length : firstUnwritten).map(toAuditRecord);
  }
  if (records.length < events.length) {
    const rest = events.slice(records.length);
    records = [
      ...records,
      ...(await scope.database.transaction(async (transaction) => {
        const stored: AuditRecord[] = [];
        for (const base of rest) {
          stored.push(await appendInTransaction({ ...scope, database: transaction }, base));
        }
        return stored;
      })),
    ];
  }
  const last = records.at(-1);
  if (last !== undefined) head.current = { seq: last.seq, hash: last.hash };
  return records;
}
