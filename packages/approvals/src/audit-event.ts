import { createHash } from "node:crypto";
import { canonicalJson, type CallerKind } from "@mc/core";

/**
 * What the policy and approvals decided about a call — or, for an approval's own events, what
 * happened to it: a human `approved` or `rejected` it, it `expired`, or its execution was
 * `recovered` after its process died.
 */
export const AUDIT_DECISIONS = ["allowed", "denied", "approval_required", "error", "approved", "rejected", "expired", "recovered"] as const;
/** What the policy and approvals decided about a call. */
export type AuditDecision = (typeof AUDIT_DECISIONS)[number];

/**
 * How a call ended; `started` marks an action about to run (written durably before it runs, and
 * followed by the same call's `ok` or `failed` event, or by a `recovered` one if it died).
 */
export const AUDIT_OUTCOMES = ["ok", "denied", "pending", "failed", "error", "started"] as const;
/** How a call ended. */
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** The prev_hash of the first event. */
export const GENESIS_HASH = "0".repeat(64);

/** One call to record. */
export interface AuditEventInput {
  /** When the call happened; defaults to the store's clock. */
  time?: Date;
  /** The surface it came through. */
  caller: CallerKind;
  /** The client's name, when known. */
  clientName?: string | null;
  /** Tool name. */
  tool: string;
  /** Arguments as called; redacted with `redactArguments` before they are stored. */
  arguments: Readonly<Record<string, unknown>>;
  /** What was decided. */
  decision: AuditDecision;
  /** Why (the denial reason, the approval rule). */
  reason?: string | null;
  /** The approval involved, if any. */
  approvalId?: string | null;
  /** How long the call took. */
  durationMs?: number | null;
  /** How it ended. */
  outcome: AuditOutcome;
  /** The error message when it failed. */
  error?: string | null;
}

/** One stored audit event. */
export interface AuditRecord {
  /** The host whose chain holds it (MC_HOST_ID); null on events from before hosts. */
  host: string | null;
  /** Position in its chain, from 1. */
  seq: number;
  /** ISO 8601 time of the call. */
  time: string;
  /** The surface it came through. */
  caller: CallerKind;
  /** The client's name, when known. */
  clientName: string | null;
  /** Tool name. */
  tool: string;
  /** Redacted arguments. */
  arguments: Record<string, unknown>;
  /** What was decided. */
  decision: AuditDecision;
  /** Why. */
  reason: string | null;
  /** The approval involved. */
  approvalId: string | null;
  /** How long the call took. */
  durationMs: number | null;
  /** How it ended. */
  outcome: AuditOutcome;
  /** The error message. */
  error: string | null;
  /** Hash of the previous event (64 zeros for the first). */
  prevHash: string;
  /** sha256(prevHash + canonical JSON of this event's fields). */
  hash: string;
}

/** The stored fields an event's hash covers, as they are in the table. */
export interface HashedAuditFields {
  /** The host; hashed (when set) so moving an event to another host's chain shows. */
  host?: string | null;
  /** Position in the chain; hashed so renumbering shows. */
  seq: number;
  /** ISO 8601 time. */
  time: string;
  /** Caller kind. */
  caller: string;
  /** Client name. */
  clientName: string | null;
  /** Tool name. */
  tool: string;
  /** The stored canonical JSON text, hashed as text so any change to it shows. */
  arguments: string;
  /** Decision. */
  decision: string;
  /** Reason. */
  reason: string | null;
  /** Approval id. */
  approvalId: string | null;
  /** Duration in whole milliseconds. */
  durationMs: number | null;
  /** Outcome. */
  outcome: string;
  /** Error message. */
  error: string | null;
}

/**
 * The chain link of one event.
 * @param prevHash - the previous event's hash
 * @param fields - this event's stored fields
 * @returns lowercase hex sha256(prevHash + canonical JSON of the fields, `host` only when set)
 */
export function auditEventHash(prevHash: string, fields: HashedAuditFields): string {
  const covered = {
    seq: fields.seq,
    time: fields.time,
    caller: fields.caller,
    clientName: fields.clientName,
    tool: fields.tool,
    arguments: fields.arguments,
    decision: fields.decision,
    reason: fields.reason,
    approvalId: fields.approvalId,
    durationMs: fields.durationMs,
    outcome: fields.outcome,
    error: fields.error,
    // Events from before hosts have none, and their hashes stay as they were.
    ...(fields.host === undefined || fields.host === null ? {} : { host: fields.host }),
  };
  return createHash("sha256").update(prevHash).update(canonicalJson(covered)).digest("hex");
}
