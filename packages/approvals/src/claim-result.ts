import type { ApprovalRecord } from "./approval-record.js";

/**
 * Why a claim was refused: `unknown_id`; `hash_mismatch` (the call's tool or arguments differ
 * from what was approved); `not_approved` (still pending); `rejected`; `expired`;
 * `already_used` (claimed before: executing, completed or failed); `other_host` (another host
 * asked for it, and only that host's mc may run it).
 */
export type ClaimRefusal = "unknown_id" | "hash_mismatch" | "not_approved" | "rejected" | "expired" | "already_used" | "other_host";

/** Outcome of a claim: the claimed approval, or why not. */
export type ClaimResult =
  | {
      /** This process now owns the execution. */
      claimed: true;
      /** The approval, now `executing`. */
      approval: ApprovalRecord;
    }
  | {
      /** Nothing was claimed; the call must not run. */
      claimed: false;
      /** Machine-readable reason. */
      refusal: ClaimRefusal;
      /** Human sentence, safe to return to the caller. */
      message: string;
    };
