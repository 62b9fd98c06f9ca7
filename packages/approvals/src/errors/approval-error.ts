// The store's errors, in one module: ApprovalError, whose stable `code` says what went wrong and
// whose `data` has one shape per code. Callers switch on `code` (after ApprovalError.isInstance,
// which narrows `data` with it), never on classes. Malformed input is core's InputError.
import { McError } from "@mc/core";
import type { ApprovalStatus } from "../approval-status.js";

/** Every code an ApprovalError carries. */
export const APPROVAL_ERROR_CODES = ["approval_not_found", "approval_expired", "approval_state", "store_failed"] as const;

/**
 * What went wrong: `approval_not_found` (no approval has the id), `approval_expired` (it expired
 * before it could be decided or used), `approval_state` (it is not in a state the transition
 * starts from), `store_failed` (the database could not be opened, migrated, reached or written
 * after retries).
 */
export type ApprovalErrorCode = (typeof APPROVAL_ERROR_CODES)[number];

/** The structured `data` of each code. */
export interface ApprovalErrorData {
  /** The id that was asked for. */
  approval_not_found: { approvalId: string };
  /** The expired approval and when it expired (ISO 8601). */
  approval_expired: { approvalId: string; expiresAt: string };
  /** The approval, its current state, the states the transition starts from, and what was attempted (e.g. `approve`). */
  approval_state: { approvalId: string; status: ApprovalStatus; expected: ApprovalStatus[]; action: string };
  /** Nothing beyond the message (which names the database, its URL redacted) and the `cause`. */
  store_failed: Record<string, never>;
}

/** An ApprovalError of any code, narrowed by `code` to its `data`. */
export type AnyApprovalError = { [Code in ApprovalErrorCode]: ApprovalError<Code> }[ApprovalErrorCode];

/** An approval could not be found, decided, claimed or finalized, or the database failed. */
export class ApprovalError<Code extends ApprovalErrorCode = ApprovalErrorCode> extends McError {
  /** What went wrong. */
  declare readonly code: Code;
  /** The details of that code. */
  declare readonly data: Readonly<ApprovalErrorData[Code]>;

  /**
   * @param code - what went wrong
   * @param message - a sentence naming the approval or the database
   * @param options - the code's `data`, and the underlying `cause`
   */
  constructor(code: Code, message: string, options: { data: ApprovalErrorData[Code]; cause?: unknown }) {
    super(code, message, { data: options.data, cause: options.cause });
  }

  /**
   * No approval has this id.
   * @param approvalId - the unknown id
   * @returns the error
   */
  static notFound(approvalId: string): ApprovalError<"approval_not_found"> {
    return new ApprovalError("approval_not_found", `No approval has the id ${JSON.stringify(approvalId)}.`, { data: { approvalId } });
  }

  /**
   * The approval expired before it could be decided or used.
   * @param approvalId - the approval's id
   * @param expiresAt - when it expired (ISO 8601)
   * @returns the error
   */
  static expired(approvalId: string, expiresAt: string): ApprovalError<"approval_expired"> {
    return new ApprovalError("approval_expired", `Approval ${approvalId} expired at ${expiresAt}; the client has to ask again.`, {
      data: { approvalId, expiresAt },
    });
  }

  /**
   * The approval exists but is not in a state that allows the transition.
   * @param approvalId - the approval's id
   * @param status - its current state
   * @param expected - the states the transition starts from
   * @param action - what was attempted, e.g. `approve`
   * @returns the error
   */
  static state(approvalId: string, status: ApprovalStatus, expected: readonly ApprovalStatus[], action: string): ApprovalError<"approval_state"> {
    return new ApprovalError(
      "approval_state",
      `Cannot ${action} approval ${approvalId}: it is ${status}, and only ${expected.join(" or ")} approvals can be.`,
      { data: { approvalId, status, expected: [...expected], action } },
    );
  }

  /**
   * The database could not be opened, migrated, reached or written (after retries).
   * @param message - what failed, naming the database (its URL redacted)
   * @param cause - the driver's error
   * @returns the error
   */
  static storeFailed(message: string, cause?: unknown): ApprovalError<"store_failed"> {
    return new ApprovalError("store_failed", message, { data: {}, cause });
  }

  /**
   * Whether `value` is an ApprovalError (also across copies of this package), narrowed so that a
   * switch on `code` gives each code's `data`.
   * @param value - anything caught
   * @returns whether it is an ApprovalError
   */
  static override isInstance(value: unknown): value is AnyApprovalError {
    return McError.isInstance(value) && (APPROVAL_ERROR_CODES as readonly string[]).includes(value.code);
  }
}
