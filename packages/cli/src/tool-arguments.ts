import * as v from "valibot";
import { ExitError, EXIT } from "./exit-error.js";

const KeyValueSchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z_][A-Za-z0-9_]*=/, "must look like key=value (key: letters, digits, _)"),
);
const JsonArgsSchema = v.record(v.string(), v.unknown());

/**
 * Builds a tool's arguments from `--arg k=v` pairs and `--json-args`. A value is converted to the
 * type the tool's input schema declares for that key (number, integer, boolean); everything else
 * stays a string, so `unit=123.service` is never turned into a number.
 * @param pairs - repeated `--arg` values
 * @param jsonArgs - the `--json-args` object text, if any
 * @param inputSchema - the tool's input JSON Schema
 * @returns the arguments object
 * @throws ExitError (usage) naming the malformed argument
 */
export function buildToolArguments(
  pairs: readonly string[],
  jsonArgs: string | undefined,
  inputSchema: Record<string, unknown>,
): Record<string, unknown> {
  let args: Record<string, unknown> = {};
  if (jsonArgs !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(jsonArgs);
    } catch (error) {
      throw new ExitError(EXIT.usage, `--json-args is not valid JSON: ${(error as Error).message}`);
    }
    const checked = v.safeParse(JsonArgsSchema, parsed);
    if (!checked.success) throw new ExitError(EXIT.usage, "--json-args must be a JSON object, e.g. '{\"unit\":\"nginx.service\"}'");
    args = { ...checked.output };
  }
  const properties = (inputSchema.properties ?? {}) as Record<string, { type?: string | string[] }>;
  for (const pair of pairs) {
    const checked = v.safeParse(KeyValueSchema, pair);
    if (!checked.success) throw new ExitError(EXIT.usage, `--arg ${JSON.stringify(pair)} ${checked.issues[0].message}`);
    const at = pair.indexOf("=");
    const key = pair.slice(0, at);
    const raw = pair.slice(at + 1);
    args[key] = coerce(key, raw, properties[key]?.type);
  }
  return args;
}

function coerce(key: string, raw: string, type: string | string[] | undefined): unknown {
  const types = Array.isArray(type) ? type : type === undefined ? [] : [type];
  if ((types.includes("integer") || types.includes("number")) && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (types.includes("boolean")) {
    if (raw === "true") return true;
    if (raw === "false") return false;
    throw new ExitError(EXIT.usage, `--arg ${key}=${raw}: ${key} must be true or false`);
  }
  return raw;
}
