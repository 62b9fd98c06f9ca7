/**
 * A harness script failed for a reason that is not the machine's (up.sh or down.sh exit 1):
 * a broken harness must fail the tests, never skip them.
 */
export class HarnessError extends Error {
  /** Stable code: `harness_failed`. */
  readonly code = "harness_failed";
  /** The script that failed, its exit code and what it said on stderr. */
  readonly data: { readonly script: string; readonly exitCode: number | null; readonly stderr: string };

  /**
   * @param message - what went wrong, in a sentence
   * @param data - the script, its exit code and its stderr
   */
  constructor(message: string, data: { script: string; exitCode: number | null; stderr: string }) {
    super(message);
    this.name = "HarnessError";
    this.data = data;
  }
}
