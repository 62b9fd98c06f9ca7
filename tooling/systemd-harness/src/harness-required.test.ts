import { describe, expect, it } from "vitest";
import { harnessRequired } from "./harness-required.js";

describe("harnessRequired", () => {
  it("should require the harness in CI and when MC_HARNESS_REQUIRED=1", () => {
    expect(harnessRequired({ CI: "true" })).toBe(true);
    expect(harnessRequired({ CI: "1" })).toBe(true);
    expect(harnessRequired({ MC_HARNESS_REQUIRED: "1" })).toBe(true);
  });

  it("should not require it locally, with CI=false, or when MC_HARNESS_REQUIRED=0", () => {
    expect(harnessRequired({})).toBe(false);
    expect(harnessRequired({ CI: "" })).toBe(false);
    expect(harnessRequired({ CI: "false" })).toBe(false);
    expect(harnessRequired({ CI: "true", MC_HARNESS_REQUIRED: "0" })).toBe(false);
  });
});
