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
  // The SDK converts every schema again on each `tools/list` (~4 ms for mc's tools); a schema
  // never changes after registration, so each target's JSON Schema is built once and frozen
  // (deeply: the same object goes out in every answer, and nothing may edit it in between).
  const converted = new Map<string, Record<string, unknown>>();
  const convert = (options?: { target?: string }) => {
    const target = isTarget(options?.target) ? options.target : undefined;
    const key = target ?? "";
    let json = converted.get(key);
    if (json === undefined) {
      json = deepFreeze(toJsonSchema(schema, { errorMode: "ignore", ...(target === undefined ? {} : { target }) }) as Record<string, unknown>);
      converted.set(key, json);
    }
    return json;
  };
  return {
    "~standard": {
      version: 1,
      vendor: "mc",
      validate: (value: unknown) => ({ value }),
      jsonSchema: { input: convert, output: convert },
    },
  } as unknown as StandardSchemaWithJSON;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
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
