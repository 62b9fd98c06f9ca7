/**
 * The harness cannot run on this machine while it is required (CI, or MC_HARNESS_REQUIRED=1),
 * so the tests that need it fail instead of being skipped.
 */
export class HarnessUnavailableError extends Error {
  /** Stable code: `harness_unavailable`. */
  readonly code = "harness_unavailable";
  /** Why the machine cannot run the harness, as up.sh reported it. */
  readonly reason: string;

  /**
   * @param reason - why the harness cannot run here
   */
  constructor(reason: string) {
    super(`The systemd harness is required (CI or MC_HARNESS_REQUIRED=1) but cannot run here: ${reason}`);
    this.name = "HarnessUnavailableError";
    this.reason = reason;
  }
}
