import { sql } from "drizzle-orm";
import { bigint, check, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";

// The PostgreSQL (fleet) twin of schema.ts: the same tables and column names, so the queue and
// journal code runs unchanged on either dialect, plus the host every row belongs to. Times stay
// epoch milliseconds (bigint read as a JS number).

/** The approval queue of every host in the fleet. */
export const approvals = pgTable(
  "approvals",
  {
    id: text("id").primaryKey(),
    host: text("host").notNull(),
    tool: text("tool").notNull(),
    arguments: text("arguments").notNull(),
    requestHash: text("request_hash").notNull(),
    requesterCaller: text("requester_caller").notNull(),
    requesterClient: text("requester_client"),
    status: text("status", {
      enum: ["pending", "approved", "rejected", "expired", "executing", "completed", "failed"],
    }).notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    expiresAt: bigint("expires_at", { mode: "number" }).notNull(),
    decidedAt: bigint("decided_at", { mode: "number" }),
    decidedBy: text("decided_by"),
    decisionNote: text("decision_note"),
    executorHost: text("executor_host"),
    executorPid: integer("executor_pid"),
    executorStartTime: text("executor_start_time"),
    claimedAt: bigint("claimed_at", { mode: "number" }),
    leaseExpiresAt: bigint("lease_expires_at", { mode: "number" }),
    finishedAt: bigint("finished_at", { mode: "number" }),
    error: text("error"),
  },
  (table) => [
    index("approvals_status_idx").on(table.status, table.expiresAt),
    index("approvals_host_idx").on(table.host, table.createdAt),
    // At most one open request per identity on each host, even when two processes ask at once.
    uniqueIndex("approvals_open_request_idx")
      .on(table.host, table.requestHash)
      .where(sql`${table.status} in ('pending', 'approved')`),
    check("approvals_status_check", sql`${table.status} in ('pending', 'approved', 'rejected', 'expired', 'executing', 'completed', 'failed')`),
  ],
);

/** The audit journal: one hash chain per host, so hosts never wait on each other's appends. */
export const auditEvents = pgTable(
  "audit_events",
  {
    host: text("host").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
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
  (table) => [
    primaryKey({ name: "audit_events_pkey", columns: [table.host, table.seq] }),
    index("audit_events_tool_idx").on(table.tool),
    index("audit_events_time_idx").on(table.time),
  ],
);

/**
 * Each host's last appended event, locked (`SELECT … FOR UPDATE`) by every append to that
 * host's chain, so appends of one host queue while other hosts go on; it also detects deleted
 * newest rows, which leave a shorter but internally valid chain.
 */
export const auditHead = pgTable("audit_head", {
  host: text("host").primaryKey(),
  lastSeq: bigint("last_seq", { mode: "number" }).notNull(),
  lastHash: text("last_hash").notNull(),
});
