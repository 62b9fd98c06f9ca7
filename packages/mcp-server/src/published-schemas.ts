import type { StandardSchemaWithJSON } from "@modelcontextprotocol/server";
import type { AnySchema } from "@mc/core";
import { ApprovalRequiredSchema } from "@mc/runtime";
import { toJsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";

type JsonTarget = "draft-07" | "draft-2020-12" | "openapi-3.0";

/**
 * Wraps a valibot schema as the Standard Schema the SDK registers. The JSON Schema leaves out
 * checks JSON Schema cannot express (`errorMode: "ignore"`: valibot still enforces them in the
 * runtime); `validate` lets every value through, because the runtime validates arguments itself,
 * so an invalid call is audited and refused with the same message on every surface (MCP, CLI,
 * embedding) instead of being dropped by the SDK before mc sees it.
 * @param schema - a valibot schema
 * @returns a Standard Schema with JSON Schema conversion and a pass-through validator
 */
function published(schema: AnySchema): StandardSchemaWithJSON {
  const convert = (options?: { target?: string }) =>
    toJsonSchema(schema, { errorMode: "ignore", ...(isTarget(options?.target) ? { target: options.target } : {}) }) as Record<string, unknown>;
  return {
    "~standard": {
      version: 1,
      vendor: "mc",
      validate: (value: unknown) => ({ value }),
      jsonSchema: { input: convert, output: convert },
    },
  } as unknown as StandardSchemaWithJSON;
}

function isTarget(target: string | undefined): target is JsonTarget {
  return target === "draft-07" || target === "draft-2020-12" || target === "openapi-3.0";
}

/**
 * The input schema as registered with the SDK: the tool's own JSON Schema for `tools/list`.
 * @param schema - the tool's valibot input schema
 * @returns the Standard Schema to register
 */
export function publishedInputSchema(schema: AnySchema): StandardSchemaWithJSON {
  return published(schema);
}

/**
 * The output schema as registered with the SDK: the tool's output OR an approval-required
 * result, because any call can need a human approval first (the policy may ask for one on any
 * tool). Both branches are objects, so the SDK publishes it with `type: "object"` at the root.
 * @param schema - the tool's valibot output schema
 * @returns the Standard Schema to register
 */
export function publishedOutputSchema(schema: AnySchema): StandardSchemaWithJSON {
  return published(v.union([schema, ApprovalRequiredSchema]));
}
