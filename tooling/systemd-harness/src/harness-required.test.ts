import { describe, expect, it } from "vitest";
import { harnessRequired } from "./harness-required.js";

describe("harnessRequired", () => {
  it("should require the harness in CI and when MC_HARNESS_REQUIRED=1", () => {
    expect(harnessRequired({ CI: "true" })).toBe(true);
    expect(harnessRequired({ CI: "1" })).toBe(true);
    expect(harnessRequired({ MC_HARNESS_REQUIRED: "1" })).toBe(true);
  });

  it("should not require it locally or with CI=false, and MC_HARNESS_REQUIRED=0 should not override CI", () => {
    expect(harnessRequired({})).toBe(false);
    expect(harnessRequired({ CI: "" })).toBe(false);
    expect(harnessRequired({ CI: "false" })).toBe(false);
    expect(harnessRequired({ CI: "0", MC_HARNESS_REQUIRED: "0" })).toBe(false);
    expect(harnessRequired({ CI: "true", MC_HARNESS_REQUIRED: "0" })).toBe(true);
  });
});
