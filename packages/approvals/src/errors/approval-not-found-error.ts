import { McError } from "@mc/core";

/** No approval has this id. */
export class ApprovalNotFoundError extends McError {
  /** The id that was asked for. */
  readonly approvalId: string;

  /**
   * @param approvalId - the unknown id
   */
  constructor(approvalId: string) {
    super("approval_not_found", `No approval has the id ${JSON.stringify(approvalId)}.`, { data: { approvalId } });
    this.approvalId = approvalId;
  }

  /**
   * @param value - anything caught
   * @returns whether it is an ApprovalNotFoundError
   */
  static override isInstance(value: unknown): value is ApprovalNotFoundError {
    return McError.isInstance(value) && value.code === "approval_not_found";
  }
}
