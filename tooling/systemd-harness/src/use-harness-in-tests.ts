import { beforeAll, beforeEach } from "vitest";
import { harnessForTests } from "./harness-for-tests.js";
import type { HarnessHandle, HarnessOptions, HarnessUnavailable } from "./start-harness.js";

/** What {@link useHarnessInTests} gives a test file. */
export interface HarnessInTests {
  /** The running harness. Read it inside tests or hooks only; it throws before `beforeAll` ran or when unavailable. */
  readonly current: HarnessHandle;
  /** The start result, or undefined before `beforeAll` ran. */
  readonly result: HarnessHandle | HarnessUnavailable | undefined;
}

/**
 * The hook-based alternative to a top-level `await harnessForTests()`: call it at the top of a
 * suite (or file). It starts the harness in `beforeAll` and, where the harness is unavailable
 * and not required, skips every test of that suite from `beforeEach` (the reason is printed
 * once by {@link harnessForTests}); where it is required, `beforeAll` throws and the tests fail.
 * @param options - which harness (default: the shared one)
 * @returns an accessor for the running harness
 * @example
 * describe("reload_service", () => {
 *   const harness = useHarnessInTests();
 *   it("should reload mc-reload.service", async () => {
 *     const runner = createCommandRunner({ prefix: harness.current.prefix });
 *     // ...
 *   });
 * });
 */
export function useHarnessInTests(options: HarnessOptions = {}): HarnessInTests {
  let result: HarnessHandle | HarnessUnavailable | undefined;
  beforeAll(async () => {
    result = await harnessForTests(options);
  }, options.timeoutMs ?? 600_000);
  beforeEach((context) => {
    if (result !== undefined && !result.available) context.skip(`systemd harness unavailable: ${result.reason}`);
  });
  return {
    get current() {
      if (result === undefined) throw new Error("The systemd harness is not started yet: read `current` inside tests or hooks");
      if (!result.available) throw new Error(`The systemd harness is unavailable: ${result.reason}`);
      return result;
    },
    get result() {
      return result;
    },
  };
}
