import { describe, expect, it } from "vitest";
import { ExitError } from "./exit-error.js";
import { buildToolArguments } from "./tool-arguments.js";

const schema = { type: "object", properties: { unit: { type: "string" }, lines: { type: "integer" }, follow: { type: "boolean" } } };

describe("buildToolArguments", () => {
  it.each(["__proto__", "constructor", "prototype"])("should pass a %s key from --json-args through as an own key, never drop or apply it", (key) => {
    const args = buildToolArguments([], JSON.stringify({ unit: "a.service", [key]: { polluted: true } }), schema);
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
    expect(Object.keys(args)).toStrictEqual(["unit", key]);
    expect(Object.getOwnPropertyDescriptor(args, key)?.value).toStrictEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(["__proto__", "constructor", "prototype"])("should pass --arg %s=x through as an own key", (key) => {
    const args = buildToolArguments([`${key}=x`, "unit=b.service"], undefined, schema);
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
    expect(Object.keys(args)).toStrictEqual([key, "unit"]);
    expect(Object.getOwnPropertyDescriptor(args, key)?.value).toBe("x");
  });

  it("should coerce by the schema's own properties only", () => {
    expect(buildToolArguments(["lines=12", "follow=true", "unit=123.service", "toString=5"], undefined, schema)).toStrictEqual({
      lines: 12,
      follow: true,
      unit: "123.service",
      toString: "5",
    });
  });

  it("should refuse JSON that is not an object", () => {
    for (const text of ["[]", "null", "3", '"x"']) expect(() => buildToolArguments([], text, schema)).toThrow(ExitError);
  });
});
