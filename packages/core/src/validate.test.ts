import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { InputError } from "./errors/input-error.js";
import { parseToolInput } from "./validate.js";

const Schema = v.strictObject({
  unit: v.pipe(v.string(), v.regex(/^[a-z]+\.service$/, "must be a unit name")),
  lines: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(200)), 50),
});

describe("parseToolInput", () => {
  it("should apply defaults and return the parsed input", () => {
    expect(parseToolInput("demo", Schema, { unit: "nginx.service" })).toStrictEqual({ unit: "nginx.service", lines: 50 });
  });

  it("should treat a missing input as an empty object", () => {
    expect(() => parseToolInput("demo", Schema, undefined)).toThrow(/Invalid arguments for demo: unit/);
  });

  it("should name every bad argument with its path", () => {
    let caught: unknown;
    try {
      parseToolInput("demo", Schema, { unit: "x; rm -rf /", lines: 0, extra: 1 });
    } catch (error) {
      caught = error;
    }
    expect(InputError.isInstance(caught)).toBe(true);
    const error = caught as InputError;
    expect(error.code).toBe("input_invalid");
    expect(error.issues.map((issue) => issue.path).sort()).toStrictEqual(["extra", "lines", "unit"]);
    expect(error.message).toContain("unit: must be a unit name");
  });
});
