import { describe, expect, it } from "vitest";
import { requiresConfirmationByDefault, RISK_LEVELS, riskAnnotations } from "./risk.js";

describe("riskAnnotations", () => {
  it("should map each risk level onto MCP annotations", () => {
    expect(riskAnnotations("read_only")).toStrictEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    expect(riskAnnotations("mutating_safe")).toStrictEqual({ readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    expect(riskAnnotations("privileged")).toStrictEqual({ readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false });
  });

  it("should require confirmation by default for every level that changes the host", () => {
    expect(RISK_LEVELS.filter(requiresConfirmationByDefault)).toStrictEqual(["mutating_safe", "privileged"]);
  });
});
