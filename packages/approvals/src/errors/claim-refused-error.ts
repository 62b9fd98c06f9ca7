import { McError } from "@mc/core";
import type { ClaimRefusal } from "../claim-result.js";

/** An approval could not be claimed for execution; `refusal` says why. */
export class ClaimRefusedError extends McError {
  /** Machine-readable reason. */
  readonly refusal: ClaimRefusal;
  /** The approval id the caller gave. */
  readonly approvalId: string;

  /**
   * @param approvalId - the id the caller gave
   * @param refusal - machine-readable reason
   * @param message - human sentence, safe to return to the caller
   */
  constructor(approvalId: string, refusal: ClaimRefusal, message: string) {
    super("approval_claim_refused", message, { data: { approvalId, refusal } });
    this.refusal = refusal;
    this.approvalId = approvalId;
  }

  /**
   * @param value - anything caught
   * @returns whether it is a ClaimRefusedError
   */
  static override isInstance(value: unknown): value is ClaimRefusedError {
    return McError.isInstance(value) && value.code === "approval_claim_refused";
  }
}
