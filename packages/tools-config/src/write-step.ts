/** Points in a write where tests can interrupt the writer. */
export type WriteStep = "after-resolve" | "after-validate" | "after-backup" | "after-temp-write" | "before-rename" | "after-rename";

/** In-process test hooks of a write (never set by the tools themselves). */
export interface WriteHooks {
  /**
   * Called at each step; may swap files around to simulate an attacker.
   * @param step - the step just reached
   */
  onStep?: (step: WriteStep) => void | Promise<void>;
}

/**
 * Runs the hook of a step. When the environment variable `MC_TEST_PAUSE_AT` names this step
 * (set only by crash-safety tests), the process stops itself with SIGSTOP: the test sees the
 * stopped state in `/proc/<pid>/stat` and kills it with SIGKILL at exactly this point.
 * @param step - the step reached
 * @param hooks - in-process hooks
 * @returns when the hook is done
 */
export async function reachStep(step: WriteStep, hooks: WriteHooks): Promise<void> {
  await hooks.onStep?.(step);
  if (process.env.MC_TEST_PAUSE_AT === step) process.kill(process.pid, "SIGSTOP");
}
