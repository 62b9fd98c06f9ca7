/** A JSON value as read from or written to a snapshot. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A copy of a JSON value with every object's keys sorted, so that two equal schemas serialize
 * to the same text and a snapshot's diff shows only real changes. Array order is kept: it is
 * meaningful (tuples, union branches, enum order as shown to clients).
 * @param value - any JSON-compatible value (`undefined` members are dropped, as JSON does)
 * @returns the same value with sorted keys
 */
export function sortKeysDeep(value: unknown): JsonValue {
  if (Array.isArray(value)) return value.map((item) => sortKeysDeep(item));
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, JsonValue> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) sorted[key] = sortKeysDeep(member);
    }
    return sorted;
  }
  return value as JsonValue;
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
