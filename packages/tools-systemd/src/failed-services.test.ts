import { harnessForTests } from "@mc/systemd-harness";
import { describe, expect, it } from "vitest";
import { failedServicesTool, parseUnitList } from "./failed-services.js";
import { callTool, contextFor } from "./test-kit.js";

const harness = await harnessForTests();
const prefix = harness.available ? harness.prefix : [];
const userPrefix = harness.available ? harness.userPrefix : [];

describe.skipIf(!harness.available)("failedServicesTool", () => {
  it("should list mc-broken in system scope", async () => {
    const { context, calls } = contextFor(prefix);
    const result = await callTool(failedServicesTool, {}, context);
    expect(result.scope).toBe("system");
    expect(result.units).toContainEqual({
      unit: "mc-broken.service",
      load: "loaded",
      active: "failed",
      sub: "failed",
      description: expect.any(String),
    });
    expect(result.units.map((unit) => unit.unit)).not.toContain("mc-demo.service");
    expect(result.count).toBe(result.units.length);
    expect(calls[0]?.args).toStrictEqual(["list-units", "--type=service", "--state=failed", "--all", "--no-legend", "--no-pager", "--plain"]);
  });

  it("should list mc-user-broken in user scope for root and for the test user", async () => {
    for (const userScopePrefix of [prefix, userPrefix]) {
      const { context } = contextFor(userScopePrefix);
      const result = await callTool(failedServicesTool, { scope: "user", limit: 50 }, context);
      expect(result.units.map((unit) => [unit.unit, unit.active])).toStrictEqual([["mc-user-broken.service", "failed"]]);
      expect([result.scope, result.count, result.truncated]).toStrictEqual(["user", 1, false]);
    }
  });
});

describe("parseUnitList", () => {
  it("should split four columns and keep the description's spaces", () => {
    const text = "a.service loaded failed failed A  unit\n● b.service not-found failed failed b.service\n\n";
    expect(parseUnitList(text)).toStrictEqual([
      { unit: "a.service", load: "loaded", active: "failed", sub: "failed", description: "A  unit" },
      { unit: "b.service", load: "not-found", active: "failed", sub: "failed", description: "b.service" },
    ]);
  });
});
