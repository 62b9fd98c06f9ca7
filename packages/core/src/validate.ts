import * as v from "valibot";
import { InputError, type InputIssue } from "./errors/input-error.js";
import type { AnySchema } from "./tool-definition.js";

/**
 * Turns valibot issues into flat, readable issues with dotted key paths.
 * @param issues - issues from `safeParse`
 * @returns one entry per issue
 */
export function formatIssues(issues: readonly v.BaseIssue<unknown>[]): InputIssue[] {
  return issues.map((issue) => ({
    path: (issue.path ?? []).map((item) => String(item.key)).join("."),
    message: issue.message,
  }));
}

/**
 * Validates tool arguments, throwing an InputError that names every bad argument.
 * @param toolName - for the message
 * @param schema - the tool's input schema
 * @param args - untrusted arguments
 * @returns the parsed (defaults applied) input
 * @throws InputError on any problem
 */
export function parseToolInput<TSchema extends AnySchema>(
  toolName: string,
  schema: TSchema,
  args: unknown,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, args ?? {});
  if (result.success) return result.output;
  const issues = formatIssues(result.issues);
  const summary = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join("; ");
  throw new InputError(`Invalid arguments for ${toolName}: ${summary}`, issues);
}
