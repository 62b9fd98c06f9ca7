import type { ApprovalRecord } from "@mc/approvals";
import { setTimeout as sleep } from "node:timers/promises";

/** How often a waiting call looks at its approval: the approver may be another process. */
export const APPROVAL_POLL_MS = 200;

/** How often a waiting call reports that it is still waiting. */
export const APPROVAL_PROGRESS_EVERY_MS = 5_000;

/** A waiting call's report, sent when it starts waiting and then every few seconds. */
export interface ApprovalWaitProgress {
  /** The approval being waited for. */
  approval_id: string;
  /** The tool whose call waits. */
  tool: string;
  /** Seconds waited so far (whole). */
  waited_s: number;
  /** Seconds the call will wait at most. */
  wait_s: number;
  /** The command a human runs on the host to approve it. */
  approve_with: string;
  /** One line for people: `waiting for approval apr_… — run: mc approvals approve apr_…`. */
  message: string;
}

/** How a wait ended. */
export type ApprovalWaitOutcome =
  | { kind: "approved"; approval: ApprovalRecord }
  | { kind: "rejected"; approval: ApprovalRecord }
  | { kind: "expired"; approval: ApprovalRecord }
  /** No decision within the wait (the request is still pending). */
  | { kind: "timed_out" }
  /** The caller gave up (its signal aborted). */
  | { kind: "cancelled" }
  /** The approval is gone or in a state no wait can change (executing, completed, failed). */
  | { kind: "gone"; approval?: ApprovalRecord };

/** What {@link waitForDecision} needs. */
export interface ApprovalWaitRequest {
  /** Reads one approval by id (the store's `get`). */
  get(id: string): Promise<ApprovalRecord | undefined>;
  /** The approval to wait for. */
  id: string;
  /** The tool, for progress reports. */
  tool: string;
  /** Seconds to wait at most (1–600). */
  waitS: number;
  /** The approve command, for progress reports. */
  approveWith: string;
  /** Aborted when the caller gives up. */
  signal?: AbortSignal;
  /** Told when the wait starts and every {@link APPROVAL_PROGRESS_EVERY_MS}; its errors are ignored. */
  onProgress?: (progress: ApprovalWaitProgress) => void;
}

/**
 * Waits for a human to decide on a pending approval, looking at it every
 * {@link APPROVAL_POLL_MS}: returns as soon as it is approved, rejected or expired, when the
 * caller's signal aborts, or when `waitS` has passed. Never throws for a database error on one
 * look (the next look tries again); a look that fails when the time is up ends as `timed_out`.
 * @param request - how to read the approval, which one, how long, and whom to tell
 * @returns how the wait ended
 */
export async function waitForDecision(request: ApprovalWaitRequest): Promise<ApprovalWaitOutcome> {
  const started = Date.now();
  const deadline = started + request.waitS * 1000;
  let nextProgress = started;
  for (;;) {
    if (request.signal?.aborted === true) return { kind: "cancelled" };
    let approval: ApprovalRecord | undefined;
    let looked = true;
    try {
      approval = await request.get(request.id);
    } catch {
      looked = false;
    }
    if (looked) {
      if (approval === undefined) return { kind: "gone" };
      switch (approval.status) {
        case "approved":
          return { kind: "approved", approval };
        case "rejected":
          return { kind: "rejected", approval };
        case "expired":
          return { kind: "expired", approval };
        case "pending":
          break;
        default:
          return { kind: "gone", approval };
      }
    }
    const now = Date.now();
    if (now >= deadline) return { kind: "timed_out" };
    if (now >= nextProgress) {
      report(request, Math.floor((now - started) / 1000));
      nextProgress += APPROVAL_PROGRESS_EVERY_MS;
    }
    try {
      await sleep(Math.min(APPROVAL_POLL_MS, deadline - now), undefined, request.signal ? { signal: request.signal } : {});
    } catch {
      return { kind: "cancelled" };
    }
  }
}

function report(request: ApprovalWaitRequest, waited: number): void {
  if (request.onProgress === undefined) return;
  try {
    request.onProgress({
      approval_id: request.id,
      tool: request.tool,
      waited_s: waited,
      wait_s: request.waitS,
      approve_with: request.approveWith,
      message: `waiting for approval ${request.id} — run: ${request.approveWith}`,
    });
  } catch {
    // A listener's error must not end the wait.
  }
}

/**
 * Takes `approval_wait_s` out of the arguments, as `approval_id` is: it says how long to wait,
 * it is not a tool argument and not part of the request's identity.
 * @param args - the call's arguments as given
 * @returns the value given (undefined when absent) and the rest
 */
export function splitApprovalWait(args: unknown): { waitS: unknown; rest: unknown } {
  if (typeof args !== "object" || args === null || Array.isArray(args) || !Object.hasOwn(args, "approval_wait_s")) return { waitS: undefined, rest: args };
  const { approval_wait_s: waitS, ...rest } = args as Record<string, unknown>;
  return { waitS, rest };
}
