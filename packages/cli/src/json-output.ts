// `--json` speaks one key casing: snake_case, as tool arguments and MCP structured results do.
// The runtime's TypeScript records (ToolCallResult, approvals, audit events) are camelCase, as
// TypeScript is; their keys are renamed here, on the way out, once. Data that is not mc's own
// record layout keeps its keys byte for byte: a tool's output and arguments (already snake_case,
// from the tool's schemas), JSON Schemas, MCP annotations, doctor's details.

/** Keys whose values are passed through with their keys untouched. */
const OPAQUE_KEYS: ReadonlySet<string> = new Set(["output", "arguments", "input_schema", "output_schema", "annotations", "details"]);

/**
 * A camelCase name in snake_case (`durationMs` → `duration_ms`, `approvalId` → `approval_id`);
 * snake_case names stay as they are.
 * @param key - the key
 * @returns the key in snake_case
 */
export function snakeCaseKey(key: string): string {
  return key
    .replace(/(?<=[a-z0-9])([A-Z])/gu, "_$1")
    .replace(/(?<=[A-Z])([A-Z])(?=[a-z])/gu, "_$1")
    .toLowerCase();
}

/**
 * `value` with every object key of mc's records in snake_case, for `--json`.
 * @param value - a JSON-ready value
 * @returns the same data with snake_case keys (opaque fields untouched)
 */
export function toJsonOutput(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toJsonOutput);
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  const renamed: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const name = snakeCaseKey(key);
    renamed[name] = OPAQUE_KEYS.has(name) ? inner : toJsonOutput(inner);
  }
  return renamed;
}
