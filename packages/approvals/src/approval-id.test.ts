import { describe, expect, it } from "vitest";
import { APPROVAL_ID_PATTERN, newApprovalId } from "./approval-id.js";

describe("newApprovalId", () => {
  it("should give apr_ and 16 Crockford base32 characters", () => {
    for (let index = 0; index < 200; index += 1) {
      expect(newApprovalId()).toMatch(APPROVAL_ID_PATTERN);
    }
  });

  it("should not repeat", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newApprovalId()));
    expect(ids.size).toBe(10_000);
  });
});
