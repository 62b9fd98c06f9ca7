import type { ApprovalStatus } from "./approval-status.js";
import type { CallerKind } from "@mc/core";
import type { ExecutorOwner } from "./executor-owner.js";
import type { ApprovalsTable } from "./store-dialect.js";

/** Who asked for a call that needs approval. */
export interface Requester {
  /** The surface the call came through. */
  caller: CallerKind;
  /** The client's name (MCP `clientInfo.name`, an embedding program's name); null when unknown. */
  clientName: string | null;
}

/** One approval as stored. Times are ISO 8601 strings in UTC. */
export interface ApprovalRecord {
  /** `apr_` and 16 base32 characters. */
  id: string;
  /** The host that asked and alone may run it (MC_HOST_ID); null on approvals from before hosts. */
  host: string | null;
  /** Tool name. */
  tool: string;
  /** The call's arguments without `approval_id`. */
  arguments: Record<string, unknown>;
  /** sha256 of tool + canonical arguments: the request's identity. */
  requestHash: string;
  /** Who asked. */
  requester: Requester;
  /** Current state. */
  status: ApprovalStatus;
  /** When it was requested. */
  createdAt: string;
  /** When a pending or approved request stops being usable. */
  expiresAt: string;
  /** When it was approved or rejected. */
  decidedAt: string | null;
  /** Who approved or rejected it. */
  decidedBy: string | null;
  /** The decider's note. */
  decisionNote: string | null;
  /** The process that claimed it for execution. */
  executor: ExecutorOwner | null;
  /** When it was claimed. */
  claimedAt: string | null;
  /** Until when the claim holds for owners on other hosts (whose pids cannot be checked). */
  leaseExpiresAt: string | null;
  /** When it completed, failed or was recovered. */
  finishedAt: string | null;
  /** Why it failed (`interrupted` when its owner died). */
  error: string | null;
}

/**
 * Turns a database row into the public record.
 * @param row - a row of the approvals table
 * @returns the record
 */
export function toApprovalRecord(row: ApprovalsTable["$inferSelect"]): ApprovalRecord {
  return {
    id: row.id,
    host: row.host,
    tool: row.tool,
    arguments: JSON.parse(row.arguments) as Record<string, unknown>,
    requestHash: row.requestHash,
    requester: { caller: row.requesterCaller as CallerKind, clientName: row.requesterClient },
    status: row.status,
    createdAt: iso(row.createdAt),
    expiresAt: iso(row.expiresAt),
    decidedAt: isoOrNull(row.decidedAt),
    decidedBy: row.decidedBy,
    decisionNote: row.decisionNote,
    executor:
      row.executorHost === null || row.executorPid === null
        ? null
        : { host: row.executorHost, pid: row.executorPid, startTime: row.executorStartTime ?? "unknown" },
    claimedAt: isoOrNull(row.claimedAt),
    leaseExpiresAt: isoOrNull(row.leaseExpiresAt),
    finishedAt: isoOrNull(row.finishedAt),
    error: row.error,
  };
}

function iso(milliseconds: number): string {
  return new Date(milliseconds).toISOString();
}

function isoOrNull(milliseconds: number | null): string | null {
  return milliseconds === null ? null : iso(milliseconds);
}
