/** Exit codes of `mc`. */
export const EXIT = {
  ok: 0,
  /** Denied, failed, or a check that did not pass. */
  failed: 1,
  /** Bad usage: unknown command, bad option, malformed argument. */
  usage: 2,
  /** The call waits for a human approval. */
  pending: 3,
} as const;

/** Thrown by a command to end `mc` with a code and a message (printed by the entry, not here). */
export class ExitError extends Error {
  /** Process exit code. */
  readonly exitCode: number;
  /** Structured form for `--json`. */
  readonly data: Record<string, unknown> | undefined;

  /**
   * @param exitCode - one of {@link EXIT}
   * @param message - one line for stderr
   * @param data - extra fields for the JSON error object
   */
  constructor(exitCode: number, message: string, data?: Record<string, unknown>) {
    super(message);
    this.name = "ExitError";
    this.exitCode = exitCode;
    this.data = data;
  }
}
