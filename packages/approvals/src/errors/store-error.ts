import { McError } from "@mc/core";

/** The approvals database could not be opened, migrated or written (after retries). */
export class StoreError extends McError {
  /**
   * @param message - what failed, naming the database
   * @param cause - the underlying libSQL error
   */
  constructor(message: string, cause?: unknown) {
    super("store_failed", message, { cause });
  }

  /**
   * @param value - anything caught
   * @returns whether it is a StoreError
   */
  static override isInstance(value: unknown): value is StoreError {
    return McError.isInstance(value) && value.code === "store_failed";
  }
}
