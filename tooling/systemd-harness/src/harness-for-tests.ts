import { HarnessUnavailableError } from "./errors/harness-unavailable-error.js";
import { harnessRequired } from "./harness-required.js";
import { startHarness, type HarnessHandle, type HarnessOptions, type HarnessUnavailable } from "./start-harness.js";

const started = new Map<string, Promise<HarnessHandle | HarnessUnavailable>>();

/**
 * Starts (or joins) the harness for a test file. Where it cannot run it returns
 * `{ available: false }` and writes `[systemd-harness] SKIPPED: <reason>` to stderr, so a skip
 * is never silent — unless the harness is required ({@link harnessRequired}), where it throws
 * and the file fails. One start per harness and process, however many callers.
 * @param options - which harness (default: the shared "mcproject" one)
 * @returns the handle, or why it is unavailable
 * @throws HarnessUnavailableError when unavailable but required
 * @throws HarnessError when up.sh fails
 * @example
 * const harness = await harnessForTests();
 * describe.skipIf(!harness.available)("service_status against real systemd", () => {
 *   it("should see mc-demo active", async () => {
 *     if (!harness.available) return;
 *     const runner = createCommandRunner({ prefix: harness.prefix });
 *     // ...
 *   });
 * });
 */
export async function harnessForTests(options: HarnessOptions = {}): Promise<HarnessHandle | HarnessUnavailable> {
  const key = JSON.stringify([options.machine, options.stateDir, options.cacheDir]);
  let start = started.get(key);
  if (start === undefined) {
    start = startHarness(options);
    started.set(key, start);
    // A failed start is not cached: the next caller tries again and sees the error itself.
    start.catch(() => started.delete(key));
  }
  const harness = await start;
  if (!harness.available) {
    if (harnessRequired()) throw new HarnessUnavailableError(harness.reason);
    process.stderr.write(`[systemd-harness] SKIPPED: ${harness.reason}\n`);
  }
  return harness;
}
