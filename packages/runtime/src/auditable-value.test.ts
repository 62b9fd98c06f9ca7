import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { auditableValue } from "./auditable-value.js";

describe("auditableValue", () => {
  it("should keep JSON values as they are", () => {
    const value = { unit: "a.service", limit: 5, flags: [true, null, "x"], nested: { depth: 1 } };
    expect(auditableValue(value)).toStrictEqual(value);
  });

  it("should describe what JSON cannot carry", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(auditableValue({ a: Number.POSITIVE_INFINITY, b: Number.NaN, c: 10n, d: undefined, e: new Date(0), f: () => 1, g: cyclic })).toStrictEqual({
      a: "[number Infinity]",
      b: "[number NaN]",
      c: "[bigint 10]",
      d: "[undefined]",
      e: "[Date]",
      f: "[function]",
      g: { name: "loop", self: "[circular]" },
    });
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

describe("auditableValue bounds", () => {
  it("should keep a long string as its length and sha256", () => {
    const long = "é".repeat(600);
    expect(auditableValue({ short: "a".repeat(1024), long })).toStrictEqual({
      short: "a".repeat(1024),
      long: { length: 600, bytes: 1200, sha256: createHash("sha256").update(long).digest("hex") },
    });
  });

  it("should keep 64 entries of a wide object or array and count the rest", () => {
    const wide = Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`k${index}`, index]));
    const copied = auditableValue({ wide, list: Array.from({ length: 100 }, (_, index) => index) }) as { wide: Record<string, unknown>; list: unknown[] };
    expect(Object.keys(copied.wide)).toHaveLength(65);
    expect(copied.wide["…"]).toBe("36 more keys");
    expect(copied.list).toHaveLength(65);
    expect(copied.list.at(-1)).toBe("[36 more items]");
  });

  it("should turn a 5 MB argument into well under 1 KiB of JSON", () => {
    expect(JSON.stringify(auditableValue({ unit: "x".repeat(5 * 1024 * 1024) })).length).toBeLessThan(1024);
  });
});
