import { McError } from "./mc-error.js";

/** A tool ran and failed: a command exited badly, a file could not be read, output did not parse. */
export class ToolFailureError extends McError {
  /**
   * @param message - what failed, in a sentence the caller can act on
   * @param options - structured details (exit code, stderr excerpt) and the cause
   */
  constructor(message: string, options: { data?: Record<string, unknown>; cause?: unknown } = {}) {
    super("tool_failed", message, options);
  }

  /**
   * @param value - anything caught
   * @returns whether it is a ToolFailureError
   */
  static override isInstance(value: unknown): value is ToolFailureError {
    return McError.isInstance(value) && value.code === "tool_failed";
  }
}
