import { McError } from "./mc-error.js";

/** A child process ran past its time limit; its whole process group was killed. */
export class CommandTimeoutError extends McError {
  /**
   * @param argv - the command that timed out (after any prefix)
   * @param timeoutMs - the limit it ran past
   */
  constructor(argv: readonly string[], timeoutMs: number) {
    super("timeout", `Command timed out after ${timeoutMs} ms and was killed: ${argv.join(" ")}`, {
      data: { argv: [...argv], timeout_ms: timeoutMs },
    });
  }

  /**
   * @param value - anything caught
   * @returns whether it is a CommandTimeoutError
   */
  static override isInstance(value: unknown): value is CommandTimeoutError {
    return McError.isInstance(value) && value.code === "timeout";
  }
}
