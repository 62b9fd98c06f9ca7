import { describe, expect, it } from "vitest";
import { useHarnessInTests } from "./use-harness-in-tests.js";

describe("useHarnessInTests", () => {
  const harness = useHarnessInTests();

  it("should start the shared harness before the tests (or skip them where it cannot run)", async () => {
    expect(harness.current.machine).toBe("mcproject");
    expect((await harness.current.exec(["systemctl", "is-active", "mc-demo.service"])).stdout).toBe("active\n");
  });
});
