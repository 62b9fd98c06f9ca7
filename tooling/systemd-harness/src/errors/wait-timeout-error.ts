/** {@link waitFor} gave up: the condition did not hold within its time limit. */
export class WaitTimeoutError extends Error {
  /** Stable code: `wait_timeout`. */
  readonly code = "wait_timeout";
  /** How long it waited, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * @param description - what was waited for
   * @param timeoutMs - the time limit that passed
   * @param lastError - what the last attempt threw, if it threw
   */
  constructor(description: string, timeoutMs: number, lastError?: unknown) {
    super(
      `Timed out after ${timeoutMs} ms waiting for ${description}` + (lastError instanceof Error ? ` (last attempt: ${lastError.message})` : ""),
      lastError === undefined ? undefined : { cause: lastError },
    );
    this.name = "WaitTimeoutError";
    this.timeoutMs = timeoutMs;
  }
}
