import type { StandardSchemaWithJSON } from "@modelcontextprotocol/server";
import type { AnySchema } from "@mc/core";
import { ApprovalRequiredSchema } from "@mc/runtime";
import { toStandardJsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";

/**
 * The input schema as registered with the SDK: the tool's own JSON Schema for `tools/list`,
 * but a validator that lets every value through. The runtime validates arguments itself, so an
 * invalid call is audited and refused with the same message on every surface (MCP, CLI,
 * embedding) instead of being dropped by the SDK before mc sees it.
 * @param schema - the tool's valibot input schema
 * @returns a Standard Schema with the tool's JSON Schema and a pass-through validator
 */
export function publishedInputSchema(schema: AnySchema): StandardSchemaWithJSON {
  const standard = toStandardJsonSchema(schema)["~standard"];
  return {
    "~standard": {
      version: 1,
      vendor: "mc",
      validate: (value: unknown) => ({ value }),
      jsonSchema: standard.jsonSchema,
    },
  } as unknown as StandardSchemaWithJSON;
}

/**
 * The output schema as registered with the SDK: the tool's output OR an approval-required
 * result, because any call can need a human approval first (the policy may ask for one on any
 * tool). Both branches are objects, so the SDK publishes it with `type: "object"` at the root.
 * @param schema - the tool's valibot output schema
 * @returns a Standard Schema of the union
 */
export function publishedOutputSchema(schema: AnySchema): StandardSchemaWithJSON {
  return toStandardJsonSchema(v.union([schema, ApprovalRequiredSchema])) as unknown as StandardSchemaWithJSON;
}
