import { TomlFloat } from "./toml.js";

/**
 * Describes a parsed TOML value for an error message: its TOML type and, for scalars, the value.
 * @param value - a value from the parsed document
 * @returns e.g. `"root"`, `integer 5`, `float 1.5`, `boolean true`, `an array`, `a table`
 */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "bigint") return `integer ${value}`;
  if (value instanceof TomlFloat) return `float ${Number.isInteger(value.value) ? value.value.toFixed(1) : value.value}`;
  if (typeof value === "boolean") return `boolean ${value}`;
  if (value instanceof Date) return `date-time ${String(value)}`;
  if (Array.isArray(value)) return "an array";
  if (value === undefined) return "nothing";
  return "a table";
}
