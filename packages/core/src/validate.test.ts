import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { InputError } from "./errors/mc-error.js";
import { formatIssues, parseToolInput } from "./validate.js";

const Schema = v.strictObject({
  unit: v.pipe(v.string(), v.regex(/^[a-z]+\.service$/, "must be a unit name")),
  lines: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(200)), 50),
});

const Wide = v.strictObject({
  unit: v.string(),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  mode: v.optional(v.picklist(["system", "user"])),
  names: v.optional(v.pipe(v.array(v.string()), v.maxLength(2))),
  filters: v.optional(v.strictObject({ priority: v.optional(v.string()), since: v.optional(v.string()) })),
});

function inputError(schema: v.GenericSchema, args: unknown): InputError {
  try {
    parseToolInput("demo", schema, args);
  } catch (error) {
    if (InputError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("parseToolInput accepted the input");
}

describe("parseToolInput", () => {
  it("should apply defaults and return the parsed input", () => {
    expect(parseToolInput("demo", Schema, { unit: "nginx.service" })).toStrictEqual({ unit: "nginx.service", lines: 50 });
  });

  it("should treat a missing input as an empty object", () => {
    expect(() => parseToolInput("demo", Schema, undefined)).toThrow("Invalid arguments for demo: missing required argument unit");
  });

  it("should name every bad argument with its path", () => {
    const error = inputError(Schema, { unit: "x; rm -rf /", lines: 0, extra: 1 });
    expect(error.code).toBe("input_invalid");
    expect(error.issues.map((issue) => issue.path).sort()).toStrictEqual(["extra", "lines", "unit"]);
    expect(error.message).toContain("unit: must be a unit name");
  });

  it("should say which argument is missing and suggest the argument a typo meant", () => {
    const error = inputError(Wide, { limt: 5 });
    expect(error.message).toBe("Invalid arguments for demo: missing required argument unit; unknown argument limt — did you mean limit?");
    expect(error.issues).toStrictEqual([
      { path: "unit", message: "missing required argument unit" },
      { path: "limt", message: "unknown argument limt — did you mean limit?" },
    ]);
  });

  it("should suggest nothing when no known argument is close", () => {
    expect(inputError(Wide, { unit: "a", frobnicate: true }).message).toBe("Invalid arguments for demo: unknown argument frobnicate");
  });

  it("should suggest a nested key with its full path", () => {
    expect(inputError(Wide, { unit: "a", filters: { priorty: "err" } }).message).toBe(
      "Invalid arguments for demo: unknown argument filters.priorty — did you mean filters.priority?",
    );
  });

  it("should describe types, bounds and choices in plain words", () => {
    const error = inputError(Wide, { unit: 3, limit: 0, mode: "root", names: ["a", "b", "c"] });
    expect(error.issues).toStrictEqual([
      { path: "unit", message: "must be a string, got 3" },
      { path: "limit", message: "must be at least 1, got 0" },
      { path: "mode", message: 'must be one of "system", "user", got "root"' },
      { path: "names", message: "must have a length at most 2, got 3" },
    ]);
    expect(inputError(Wide, { unit: "a", limit: 1.5 }).issues).toStrictEqual([{ path: "limit", message: "must be a whole number, got 1.5" }]);
    expect(inputError(Wide, { unit: "a", names: [1] }).issues).toStrictEqual([{ path: "names.0", message: "must be a string, got 1" }]);
  });

  it("should say the arguments must be an object", () => {
    expect(inputError(Wide, "unit=a").message).toBe('Invalid arguments for demo: the arguments must be an object, got "unit=a"');
  });

  it("should leave no valibot wording in any message", () => {
    const error = inputError(Wide, { unit: null, limt: 1, limit: -1, mode: 1, names: "x", filters: { x: 1 } });
    for (const issue of error.issues) expect(issue.message).not.toMatch(/Invalid (key|type|value|length)|Expected never/);
  });
});

describe("formatIssues", () => {
  it("should keep plain words without the schema, only without suggestions", () => {
    const result = v.safeParse(Wide, { limt: 1, unit: "a" });
    expect(result.success).toBe(false);
    expect(formatIssues(result.issues ?? [])).toStrictEqual([{ path: "limt", message: "unknown argument limt" }]);
  });
});
