// Run by harness-for-tests.test.ts in a vitest of its own, as a user who cannot start the harness.
import { describe, expect, it } from "vitest";
import { useHarnessInTests } from "../use-harness-in-tests.js";

describe("needs the harness through hooks", () => {
  const harness = useHarnessInTests();

  it("should not run without it", () => {
    expect(harness.current.available).toBe(true);
  });
});
