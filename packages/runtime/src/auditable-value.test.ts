import { describe, expect, it } from "vitest";
import { auditableValue } from "./auditable-value.js";

describe("auditableValue", () => {
  it("should keep JSON values as they are", () => {
    const value = { unit: "a.service", limit: 5, flags: [true, null, "x"], nested: { depth: 1 } };
    expect(auditableValue(value)).toStrictEqual(value);
  });

  it("should describe what JSON cannot carry", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(
      auditableValue({ a: Number.POSITIVE_INFINITY, b: Number.NaN, c: 10n, d: undefined, e: new Date(0), f: () => 1, g: cyclic }),
    ).toStrictEqual({ a: "[number Infinity]", b: "[number NaN]", c: "[bigint 10]", d: "[undefined]", e: "[Date]", f: "[function]", g: { name: "loop", self: "[circular]" } });
  });

  it("should keep an own __proto__ key as data, never as a prototype", () => {
    const copied = auditableValue(JSON.parse('{"__proto__": {"polluted": true}}')) as object;
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(Object.keys(copied)).toStrictEqual(["__proto__"]);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("should stop at a depth bound", () => {
    let deep: unknown = "bottom";
    for (let index = 0; index < 100; index += 1) deep = [deep];
    expect(JSON.stringify(auditableValue(deep))).toContain("[too deep]");
  });
});
