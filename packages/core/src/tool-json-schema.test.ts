import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { defineTool } from "./tool-definition.js";
import { toolJsonSchemas } from "./tool-json-schema.js";

describe("toolJsonSchemas", () => {
  it("should publish input and output as JSON Schema objects with bounds and descriptions", () => {
    const tool = defineTool({
      name: "demo",
      title: "Demo",
      description: "A demo tool",
      risk: "read_only",
      input: v.strictObject({ limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(20), v.description("How many")), 5) }),
      output: v.object({ count: v.number() }),
      run: async () => ({ count: 1 }),
    });
    const schemas = toolJsonSchemas(tool);
    expect(schemas.input).toMatchObject({
      type: "object",
      additionalProperties: false,
      properties: { limit: { type: "integer", minimum: 1, maximum: 20, description: "How many", default: 5 } },
    });
    expect(schemas.output).toMatchObject({ type: "object", properties: { count: { type: "number" } }, required: ["count"] });
  });
});
