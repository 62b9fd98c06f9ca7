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
 * Runs the hook of a step. The shipped code reads no test switch (no environment variable):
 * a test that must stop a writer at a step passes its own `onStep` (the crash-safety test's
 * writer script stops its process with SIGSTOP there).
 * @param step - the step reached
 * @param hooks - in-process hooks
 * @returns when the hook is done
 */
export async function reachStep(step: WriteStep, hooks: WriteHooks): Promise<void> {
  await hooks.onStep?.(step);
}
