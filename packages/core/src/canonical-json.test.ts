import { InputError } from "./errors/mc-error.js";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";

describe("canonicalJson", () => {
  it("should sort object keys at every depth", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });

  it("should give equal text for objects built in different orders", () => {
    expect(canonicalJson({ unit: "a.service", scope: "system" })).toBe(canonicalJson({ scope: "system", unit: "a.service" }));
  });

  it("should leave out undefined members as JSON.stringify does", () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  it("should refuse values JSON cannot carry, naming the argument", () => {
    expect(() => canonicalJson({ limit: Number.NaN })).toThrow(InputError);
    expect(() => canonicalJson({ limit: Number.NaN })).toThrow(/argument limit/);
    expect(() => canonicalJson({ when: new Date(0) })).toThrow(/non-plain object/);
    expect(() => canonicalJson({ list: [1, undefined] })).toThrow(/list\[1\]/);
    expect(() => canonicalJson({ big: 1n })).toThrow(/bigint/);
  });
});
