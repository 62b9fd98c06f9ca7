import { type JsonSchema, toJsonSchema } from "@valibot/to-json-schema";
import type { AnySchema, ToolDefinition } from "./tool-definition.js";

/** A tool's published JSON Schemas. */
export interface ToolJsonSchemas {
  input: JsonSchema;
  output: JsonSchema;
}

/**
 * Converts a valibot schema to JSON Schema (draft-07). Checks JSON Schema cannot express
 * (regex-free refinements) are left out; the valibot schema still enforces them.
 * @param schema - a valibot schema
 * @returns its JSON Schema
 */
export function schemaToJson(schema: AnySchema): JsonSchema {
  return toJsonSchema(schema, { errorMode: "ignore" });
}

/**
 * The JSON Schemas a tool publishes (MCP `tools/list`, schema snapshots).
 * @param tool - a tool definition
 * @returns input and output JSON Schemas
 */
export function toolJsonSchemas(tool: ToolDefinition): ToolJsonSchemas {
  return { input: schemaToJson(tool.input), output: schemaToJson(tool.output) };
}
