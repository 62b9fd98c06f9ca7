import { McError } from "@mc/core";
import type { ApprovalStatus } from "../approval-status.js";

/** The approval exists but is not in a state that allows the requested transition. */
export class ApprovalStateError extends McError {
  /** The approval's id. */
  readonly approvalId: string;
  /** Its current state. */
  readonly status: ApprovalStatus;
  /** The states the transition starts from. */
  readonly expected: readonly ApprovalStatus[];

  /**
   * @param approvalId - the approval's id
   * @param status - its current state
   * @param expected - the states the transition starts from
   * @param action - what was attempted, e.g. `approve`
   */
  constructor(approvalId: string, status: ApprovalStatus, expected: readonly ApprovalStatus[], action: string) {
    super(
      "approval_state",
      `Cannot ${action} approval ${approvalId}: it is ${status}, and only ${expected.join(" or ")} approvals can be.`,
      { data: { approvalId, status, expected: [...expected], action } },
    );
    this.approvalId = approvalId;
    this.status = status;
    this.expected = expected;
  }

  /**
   * @param value - anything caught
   * @returns whether it is an ApprovalStateError
   */
  static override isInstance(value: unknown): value is ApprovalStateError {
    return McError.isInstance(value) && value.code === "approval_state";
  }
}
