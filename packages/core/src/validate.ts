import * as v from "valibot";
import { InputError, type InputIssue } from "./errors/mc-error.js";
import type { AnySchema } from "./tool-definition.js";

// valibot's default messages ("Invalid key: Expected never but received \"limt\"") describe the
// schema, not the mistake. People and models both read these errors, through the CLI and MCP,
// so the issues are rewritten in plain words here, once, and a schema's own messages are kept.
const DEFAULT_MESSAGE = /^Invalid [a-z ]+: (?:Expected .+ but r|R)eceived /u;

/** How far (in edits) an unknown argument may be from a known one to be suggested. */
const MAX_SUGGESTION_DISTANCE = 2;

/**
 * Turns valibot issues into flat issues in plain words, with dotted key paths: a missing key is
 * "missing required argument unit", an unknown one "unknown argument limt — did you mean
 * limit?" (when `schema` is given and a known key is close), a wrong type "must be a number,
 * got "5"". Messages a schema sets itself are kept as written.
 * @param issues - issues from `safeParse`
 * @param schema - the schema that produced them, for suggesting known argument names
 * @returns one entry per issue
 */
export function formatIssues(issues: readonly v.BaseIssue<unknown>[], schema?: AnySchema): InputIssue[] {
  return issues.map((issue) => {
    const path = (issue.path ?? []).map((item) => String(item.key)).join(".");
    return { path, message: plainMessage(issue, path, schema) };
  });
}

/**
 * Validates tool arguments, throwing an InputError that names every bad argument.
 * @param toolName - for the message
 * @param schema - the tool's input schema
 * @param args - untrusted arguments
 * @returns the parsed (defaults applied) input
 * @throws InputError on any problem
 */
export function parseToolInput<TSchema extends AnySchema>(toolName: string, schema: TSchema, args: unknown): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, args ?? {});
  if (result.success) return result.output;
  const issues = formatIssues(result.issues, schema);
  throw new InputError(`Invalid arguments for ${toolName}: ${summarizeIssues(issues)}`, issues);
}

/**
 * One line naming every issue: `path: message`, except where the message names the argument
 * itself ("missing required argument unit").
 * @param issues - issues from {@link formatIssues}
 * @returns the issues joined with `; `
 */
function summarizeIssues(issues: readonly InputIssue[]): string {
  return issues
    .map((issue) => (issue.path === "" || /^(?:missing required|unknown) argument /u.test(issue.message) ? issue.message : `${issue.path}: ${issue.message}`))
    .join("; ");
}

function plainMessage(issue: v.BaseIssue<unknown>, path: string, schema: AnySchema | undefined): string {
  if (!DEFAULT_MESSAGE.test(issue.message)) return issue.message;
  const { expected, received } = issue;
  const isKeyIssue = issue.message.startsWith("Invalid key:");
  if (isKeyIssue && expected === "never") {
    const name = path === "" ? received : path;
    const suggestion = suggestKey(issue, schema);
    return `unknown argument ${name}${suggestion === undefined ? "" : ` — did you mean ${suggestion}?`}`;
  }
  if (isKeyIssue && received === "undefined") return `missing required argument ${path}`;
  if (path === "" && expected === "Object") return `the arguments must be an object, got ${received}`;
  switch (issue.type) {
    case "integer":
      return `must be a whole number, got ${received}`;
    case "regex":
      return `has an invalid format (${received})`;
    case "min_value":
    case "max_value":
    case "gt_value":
    case "lt_value":
      return `must be ${bound(expected)}, got ${received}`;
    case "min_length":
    case "max_length":
    case "length":
      return `must have a length ${bound(expected)}, got ${received}`;
    case "min_size":
    case "max_size":
      return `must have a size ${bound(expected)}, got ${received}`;
    default:
      break;
  }
  if (issue.kind === "schema" && expected !== null) return `must be ${typeName(expected)}, got ${received}`;
  return issue.message
    .replace(/^Invalid ([a-z ]+): /u, "invalid $1: ")
    .replace("Expected", "expected")
    .replace("Received", "received");
}

function bound(expected: string | null): string {
  if (expected === null) return "within its limits";
  const match = /^(>=|<=|>|<|!)?(.*)$/u.exec(expected);
  const value = match?.[2] ?? expected;
  switch (match?.[1]) {
    case ">=":
      return `at least ${value}`;
    case "<=":
      return `at most ${value}`;
    case ">":
      return `more than ${value}`;
    case "<":
      return `less than ${value}`;
    case "!":
      return `other than ${value}`;
    default:
      return `exactly ${value}`;
  }
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  Array: "a list",
  Object: "an object",
  null: "null",
  bigint: "an integer",
};

function typeName(expected: string): string {
  const named = TYPE_NAMES[expected];
  if (named !== undefined) return named;
  const options = expected.replace(/^\((.*)\)$/su, "$1").split(" | ");
  if (options.length > 1) return `one of ${options.map((option) => TYPE_NAMES[option] ?? option).join(", ")}`;
  return expected;
}

/** The closest known key at the issue's level, if one is near enough. */
function suggestKey(issue: v.BaseIssue<unknown>, schema: AnySchema | undefined): string | undefined {
  const keys = issue.path ?? [];
  const last = keys.at(-1);
  if (schema === undefined || last === undefined) return undefined;
  let node: unknown = schema;
  for (const item of keys.slice(0, -1)) node = child(node, item.key);
  const entries = (unwrap(node) as { entries?: Record<string, unknown> } | undefined)?.entries;
  if (entries === undefined) return undefined;
  const unknownKey = String(last.key);
  let best: { key: string; distance: number } | undefined;
  for (const key of Object.keys(entries)) {
    const distance = editDistance(unknownKey.toLowerCase(), key.toLowerCase());
    if (distance <= Math.min(MAX_SUGGESTION_DISTANCE, Math.floor(key.length / 2)) && (best === undefined || distance < best.distance)) best = { key, distance };
  }
  if (best === undefined) return undefined;
  const prefix = keys.slice(0, -1).map((item) => String(item.key));
  return [...prefix, best.key].join(".");
}

function unwrap(node: unknown): unknown {
  let current = node as { wrapped?: unknown } | undefined;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null && "wrapped" in current; depth += 1)
    current = current.wrapped as { wrapped?: unknown };
  return current;
}

function child(node: unknown, key: unknown): unknown {
  const schema = unwrap(node) as { entries?: Record<string, unknown>; item?: unknown } | undefined;
  if (schema === undefined || schema === null) return undefined;
  if (typeof key === "number") return schema.item;
  return schema.entries?.[String(key)];
}

/** Levenshtein distance, for the short argument names it is used on. */
function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row += 1) {
    const current = [row];
    for (let column = 1; column <= right.length; column += 1) {
      const substitution = (previous[column - 1] ?? 0) + (left[row - 1] === right[column - 1] ? 0 : 1);
      current.push(Math.min((previous[column] ?? 0) + 1, (current[column - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length] ?? 0;
}
