import { createCommandRunner, InputError } from "@mc/core";
import { harnessForTests } from "@mc/systemd-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installUnits, type InstalledUnits, serviceUnit } from "./__fixtures__/harness-units.js";
import { refusingContext } from "./__fixtures__/refusing-runner.js";
import { jsonArrayObjects } from "./json-array-objects.js";
import { listUnitsArgs, listUnitsTool, parseListUnits } from "./list-units.js";
import { callTool, contextFor, recordingRunner } from "./test-kit.js";

const harness = await harnessForTests();
const prefix = harness.available ? harness.prefix : [];
const userPrefix = harness.available ? harness.userPrefix : [];

describe.skipIf(!harness.available)("listUnitsTool", () => {
  let fixtures: InstalledUnits | undefined;
  beforeAll(async () => {
    if (!harness.available) return;
    fixtures = await installUnits(harness, "system", {
      "mc-h6lu-a.service": serviceUnit('mc h6 list "a" {with} [odd] text'),
      "mc-h6lu-b.service": serviceUnit("mc h6 list b", "/bin/false"),
    });
    expect((await harness.exec(["systemctl", "start", "mc-h6lu-a.service"])).exitCode).toBe(0);
    // list-units shows the units loaded in memory: an inactive unit is unloaded, a failed one stays.
    await harness.exec(["systemctl", "start", "mc-h6lu-b.service"]);
  });
  afterAll(async () => fixtures?.remove());

  it("should list matching units with their states and descriptions as systemd has them", async () => {
    const { context, calls } = contextFor(prefix);
    const result = await callTool(listUnitsTool, { pattern: "mc-h6lu-*", type: "service" }, context);
    expect(result).toStrictEqual({
      scope: "system",
      units: [
        { unit: "mc-h6lu-a.service", load: "loaded", active: "active", sub: "running", description: 'mc h6 list "a" {with} [odd] text' },
        { unit: "mc-h6lu-b.service", load: "loaded", active: "failed", sub: "failed", description: "mc h6 list b" },
      ],
      total: 2,
      truncated: false,
    });
    expect(calls[0]?.args).toStrictEqual(["list-units", "--all", "--no-legend", "--no-pager", "--plain", "--output=json", "--type=service", "--", "mc-h6lu-*"]);
  });

  it("should filter by state and cut at the limit, counting the rest", async () => {
    const { context } = contextFor(prefix);
    const active = await callTool(listUnitsTool, { pattern: "mc-h6lu-?.service", state: "active" }, context);
    expect(active.units.map((unit) => unit.unit)).toStrictEqual(["mc-h6lu-a.service"]);
    const limited = await callTool(listUnitsTool, { pattern: "mc-h6lu-[ab].service", limit: 1 }, context);
    expect([limited.units.length, limited.total, limited.truncated]).toStrictEqual([1, 2, true]);
    const negated = await callTool(listUnitsTool, { pattern: "mc-h6lu-[!a].service" }, context);
    expect(negated.units.map((unit) => unit.unit)).toStrictEqual(["mc-h6lu-b.service"]);
  });

  it("should list the test user's units in user scope", async () => {
    const { context, calls } = contextFor(userPrefix);
    const result = await callTool(listUnitsTool, { scope: "user", type: "service", pattern: "mc-user-*" }, context);
    expect(result.units.map((unit) => [unit.unit, unit.active])).toStrictEqual([
      ["mc-user-broken.service", "failed"],
      ["mc-user-demo.service", "active"],
    ]);
    expect(calls[0]?.args[0]).toBe("--user");
  });

  it("should keep only complete units when the runner cuts the output", async () => {
    const small = recordingRunner(createCommandRunner({ prefix, maxOutputChars: 1_500 }));
    const cut = await callTool(listUnitsTool, { limit: 500 }, { runner: small.runner, stateDir: "/tmp", configTargets: [] });
    const whole = await callTool(listUnitsTool, { limit: 500 }, contextFor(prefix).context);
    expect(cut.truncated).toBe(true);
    expect(cut.units.length).toBeGreaterThan(3);
    expect(cut.units.length).toBeLessThan(whole.units.length);
    expect(cut.units).toStrictEqual(whole.units.slice(0, cut.units.length));
  });
});

describe("listUnitsTool input", () => {
  const bad: [string, unknown][] = [
    ["option as pattern", { pattern: "--all" }],
    ["leading dash", { pattern: "-x*" }],
    ["space", { pattern: "a b*" }],
    ["shell", { pattern: "$(id)*" }],
    ["backslash", { pattern: "a\\*" }],
    ["newline", { pattern: "a\n*" }],
    ["unclosed class", { pattern: "mc-[a" }],
    ["reversed range", { pattern: "mc-[z-a]*" }],
    ["too long", { pattern: `${"a".repeat(257)}` }],
    ["empty", { pattern: "" }],
    ["unknown type", { type: "bogus" }],
    ["unknown state", { state: "all" }],
    ["limit 0", { limit: 0 }],
    ["limit 501", { limit: 501 }],
    ["limit fraction", { limit: 1.5 }],
    ["extra key", { unit: "a.service" }],
    ["bad scope", { scope: "root" }],
  ];
  for (const [name, args] of bad) {
    it(`should refuse ${name} before any process starts`, async () => {
      const { context, started } = refusingContext();
      const error = await callTool(listUnitsTool, args, context).catch((caught: unknown) => caught);
      expect(InputError.isInstance(error), String(error)).toBe(true);
      expect(started).toStrictEqual([]);
    });
  }

  it("should put the pattern after -- and the scope flag first", () => {
    expect(listUnitsArgs({ scope: "user", pattern: "a*" }).slice(0, 2)).toStrictEqual(["--user", "list-units"]);
    expect(listUnitsArgs({ scope: "user", pattern: "a*" }).slice(-2)).toStrictEqual(["--", "a*"]);
  });
});

describe("jsonArrayObjects", () => {
  it("should return the complete objects of a cut array, never ending an object inside a string", () => {
    const text = JSON.stringify([{ unit: "a}", description: '"},{"x' }, { unit: "b", nested: { c: [1, { d: "]" }] } }, { unit: "c" }]);
    expect(jsonArrayObjects(text)?.map((object) => object.unit)).toStrictEqual(["a}", "b", "c"]);
    for (let cut = 0; cut < text.length; cut++) {
      const objects = jsonArrayObjects(text.slice(0, cut)) ?? [];
      expect(objects.length).toBeLessThanOrEqual(3);
      for (const object of objects) expect(JSON.parse(text)).toContainEqual(object);
    }
    expect(jsonArrayObjects("a b c d")).toBeUndefined();
    expect(jsonArrayObjects("[[1]]")).toBeUndefined();
    expect(jsonArrayObjects("[]")).toStrictEqual([]);
  });

  it("should parse plain columns when systemd prints no JSON, dropping a cut last line", () => {
    const plain = "a.service loaded active running A thing\nb.service loaded active runn";
    expect(parseListUnits(plain, true)).toStrictEqual([{ unit: "a.service", load: "loaded", active: "active", sub: "running", description: "A thing" }]);
  });
});
