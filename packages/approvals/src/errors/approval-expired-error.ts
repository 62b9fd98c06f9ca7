import { McError } from "@mc/core";

/** The approval expired before it could be decided or used. */
export class ApprovalExpiredError extends McError {
  /** The expired approval. */
  readonly approvalId: string;

  /**
   * @param approvalId - the approval's id
   * @param expiresAt - when it expired (ISO 8601)
   */
  constructor(approvalId: string, expiresAt: string) {
    super("approval_expired", `Approval ${approvalId} expired at ${expiresAt}; the client has to ask again.`, {
      data: { approvalId, expiresAt },
    });
    this.approvalId = approvalId;
  }

  /**
   * @param value - anything caught
   * @returns whether it is an ApprovalExpiredError
   */
  static override isInstance(value: unknown): value is ApprovalExpiredError {
    return McError.isInstance(value) && value.code === "approval_expired";
  }
}
