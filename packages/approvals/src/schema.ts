import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The approval queue. Times are epoch milliseconds so that expiry and lease checks are plain
 * integer comparisons inside one conditional UPDATE.
 */
export const approvals = sqliteTable(
  "approvals",
  {
    id: text("id").primaryKey(),
    // The host whose mc asked and alone may run it (MC_HOST_ID); null on rows from before hosts.
    host: text("host"),
    tool: text("tool").notNull(),
    arguments: text("arguments").notNull(),
    requestHash: text("request_hash").notNull(),
    requesterCaller: text("requester_caller").notNull(),
    requesterClient: text("requester_client"),
    status: text("status", {
      enum: ["pending", "approved", "rejected", "expired", "executing", "completed", "failed"],
    }).notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    decidedAt: integer("decided_at"),
    decidedBy: text("decided_by"),
    decisionNote: text("decision_note"),
    executorHost: text("executor_host"),
    executorPid: integer("executor_pid"),
    executorStartTime: text("executor_start_time"),
    claimedAt: integer("claimed_at"),
    leaseExpiresAt: integer("lease_expires_at"),
    finishedAt: integer("finished_at"),
    error: text("error"),
  },
  (table) => [
    index("approvals_status_idx").on(table.status, table.expiresAt),
    // At most one open (pending or approved) request per identity, even when two processes
    // ask at the same moment.
    uniqueIndex("approvals_open_request_idx")
      .on(table.host, table.requestHash)
      .where(sql`${table.status} in ('pending', 'approved')`),
    check("approvals_status_check", sql`${table.status} in ('pending', 'approved', 'rejected', 'expired', 'executing', 'completed', 'failed')`),
  ],
);

/** The audit journal: one hash-chained row per call. */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    seq: integer("seq").primaryKey(),
    // The host that recorded it (MC_HOST_ID); null on events from before hosts. An embedded
    // database is one host's, so its journal stays one chain.
    host: text("host"),
    time: text("time").notNull(),
    caller: text("caller").notNull(),
    clientName: text("client_name"),
    tool: text("tool").notNull(),
    arguments: text("arguments").notNull(),
    decision: text("decision").notNull(),
    reason: text("reason"),
    approvalId: text("approval_id"),
    durationMs: integer("duration_ms"),
    outcome: text("outcome").notNull(),
    error: text("error"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (table) => [index("audit_events_tool_idx").on(table.tool), index("audit_events_time_idx").on(table.time)],
);

/**
 * The last appended event. Kept in the same transaction as each append so that deleting the
 * newest rows, which leaves a shorter but internally valid chain, is still detected.
 */
export const auditHead = sqliteTable(
  "audit_head",
  {
    id: integer("id").primaryKey(),
    lastSeq: integer("last_seq").notNull(),
    lastHash: text("last_hash").notNull(),
  },
  (table) => [check("audit_head_single_row", sql`${table.id} = 1`)],
);
