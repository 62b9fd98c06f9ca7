import { setTimeout as sleep } from "node:timers/promises";
import { WaitTimeoutError } from "./errors/wait-timeout-error.js";

/** How {@link waitFor} polls. */
export interface WaitForOptions {
  /** Give up after this many milliseconds. Default 5,000. */
  timeoutMs?: number;
  /** Pause between attempts, in milliseconds. Default 100. */
  intervalMs?: number;
  /** What is waited for, for the timeout message. Default "the condition". */
  description?: string;
}

/**
 * Polls `probe` until it returns a truthy value. Needed wherever systemd answers
 * asynchronously, e.g. journald writes entries a moment after the service logged them.
 * A probe that throws counts as "not yet"; its last error is reported on timeout.
 * @param probe - returns (or resolves to) a truthy value once the condition holds
 * @param options - time limit, interval and a description for the error
 * @returns the first truthy value of `probe`
 * @throws WaitTimeoutError when the time limit passes first
 * @example
 * const lines = await waitFor(async () => {
 *   const { stdout } = await harness.exec(["journalctl", "-u", "mc-logger.service", "-n", "5"]);
 *   return stdout.includes("mc-logger tick") ? stdout : undefined;
 * }, { timeoutMs: 5_000, description: "mc-logger journal lines" });
 */
export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() >= deadline) {
      throw new WaitTimeoutError(options.description ?? "the condition", timeoutMs, lastError);
    }
    await sleep(Math.min(intervalMs, Math.max(0, deadline - performance.now())));
  }
}
