import { describe, expect, it } from "vitest";
import { WaitTimeoutError } from "./errors/wait-timeout-error.js";
import { waitFor } from "./wait-for.js";

describe("waitFor", () => {
  it("should resolve with the first truthy value, retrying falsy values and throws", async () => {
    let attempts = 0;
    const value = await waitFor(
      () => {
        attempts += 1;
        if (attempts === 1) throw new Error("not yet");
        return attempts >= 3 ? `attempt ${attempts}` : undefined;
      },
      { intervalMs: 1 },
    );
    expect(value).toBe("attempt 3");
  });

  it("should throw WaitTimeoutError naming the condition and the last error", async () => {
    const waiting = waitFor(
      () => {
        throw new Error("still broken");
      },
      { timeoutMs: 50, intervalMs: 10, description: "the widget" },
    );
    await expect(waiting).rejects.toThrow(WaitTimeoutError);
    await expect(waiting).rejects.toThrow(/the widget.*still broken/);
  });
});
