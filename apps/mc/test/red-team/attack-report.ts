// The red-team suite's one report format. Each attack class counts the cases it tried and the
// cases where the attack succeeded (a guarantee broke), and prints one line per class when its
// file ends, so a CI log shows what was tried, not only that the tests passed:
//   [red-team] validator injection: 112 cases tried, 0 failures
import { afterAll } from "vitest";

/** One attack class's tally. */
export interface AttackTally {
  /** Counts one attack case; `broke` says whether the guarantee broke (the attack succeeded). */
  record(broke: boolean, detail?: string): void;
  /** Cases tried so far. */
  readonly tried: number;
  /** Descriptions of the cases that broke a guarantee (empty when the class held). */
  readonly failures: readonly string[];
}

/**
 * Starts counting one attack class; prints its summary line after the file's tests.
 * @param attackClass - a short name, e.g. "symlink-swap race"
 * @returns the tally to record cases in
 */
export function attackClass(attackClass: string): AttackTally {
  let tried = 0;
  const failures: string[] = [];
  afterAll(() => {
    const examples = failures.length > 0 ? ` — e.g. ${failures.slice(0, 3).join(" | ")}` : "";
    console.log(`[red-team] ${attackClass}: ${tried} cases tried, ${failures.length} failures${examples}`);
  });
  return {
    record(broke, detail) {
      tried += 1;
      if (broke) failures.push(detail ?? `case ${tried}`);
    },
    get tried() {
      return tried;
    },
    get failures() {
      return failures;
    },
  };
}
