import * as v from "valibot";
import { ExitError, EXIT } from "./exit-error.js";

const KeyValueSchema = v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*=/, "must look like key=value (key: letters, digits, _)"));

/**
 * Builds a tool's arguments from `--arg k=v` pairs and `--json-args`. A value is converted to the
 * type the tool's input schema declares for that key (number, integer, boolean); everything else
 * stays a string, so `unit=123.service` is never turned into a number. Every key is passed on as
 * given, `__proto__`, `constructor` and `prototype` included: the runtime refuses those with the
 * same message for every caller (and audits the refusal); the CLI never drops or applies them.
 * @param pairs - repeated `--arg` values
 * @param jsonArgs - the `--json-args` object text, if any
 * @param inputSchema - the tool's input JSON Schema
 * @returns the arguments object
 * @throws ExitError (usage) naming the malformed argument
 */
export function buildToolArguments(pairs: readonly string[], jsonArgs: string | undefined, inputSchema: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (jsonArgs !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(jsonArgs);
    } catch (error) {
      throw new ExitError(EXIT.usage, `--json-args is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ExitError(EXIT.usage, '--json-args must be a JSON object, e.g. \'{"unit":"nginx.service"}\'');
    }
    // JSON.parse makes every key an own property (even "__proto__"); copy them as such.
    for (const [key, value] of Object.entries(parsed)) setOwn(args, key, value);
  }
  const properties = (inputSchema.properties ?? {}) as Record<string, { type?: string | string[] }>;
  for (const pair of pairs) {
    const checked = v.safeParse(KeyValueSchema, pair);
    if (!checked.success) throw new ExitError(EXIT.usage, `--arg ${JSON.stringify(pair)} ${checked.issues[0].message}`);
    const at = pair.indexOf("=");
    const key = pair.slice(0, at);
    const raw = pair.slice(at + 1);
    setOwn(args, key, coerce(key, raw, Object.hasOwn(properties, key) ? properties[key]?.type : undefined));
  }
  return args;
}

/** `target[key] = value` as an own data property: `__proto__` must not set the prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
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
