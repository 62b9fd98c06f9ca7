// Run by harness-for-tests.test.ts in a vitest of its own, as a user who cannot start the harness.
import { describe, expect, it } from "vitest";
import { harnessForTests } from "../harness-for-tests.js";

const harness = await harnessForTests();

describe.skipIf(!harness.available)("needs the harness", () => {
  it("should not run without it", () => {
    expect(harness.available).toBe(true);
  });
});
