import { canonicalJson } from "@mc/core";

/** A JSON value as read from or written to a snapshot. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A copy of a JSON value with every object's keys sorted (@mc/core's canonical JSON, read back),
 * so that two equal schemas serialize to the same text and a snapshot's diff shows only real
 * changes. Array order is kept: it is meaningful (tuples, union branches, enum order as shown to clients).
 * @param value - any JSON-compatible value (`undefined` members are dropped, as JSON does)
 * @returns the same value with sorted keys
 */
export function sortKeysDeep(value: unknown): JsonValue {
  // An absent keyword (undefined) stays absent, as JSON.stringify leaves it.
  return value === undefined ? (value as unknown as JsonValue) : (JSON.parse(canonicalJson(value)) as JsonValue);
}

/**
 * JSON text that is equal for equal values whatever their key order.
 * @param value - any JSON-compatible value
 * @param indent - spaces of indentation; none gives one line
 * @returns the canonical JSON text
 */
export function stableStringify(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeysDeep(value), null, indent);
}
