const MAX_DEPTH = 32;

/**
 * A copy of any value that JSON can carry, for the audit journal: a refused call's arguments
 * are recorded as given, even when they hold what JSON cannot (Infinity, NaN, undefined, a
 * bigint, a cycle, a Date), each replaced by a bracketed description. Keys are kept as own
 * properties, `__proto__` included.
 * @param value - anything a caller passed
 * @returns a JSON-safe copy
 */
export function auditableValue(value: unknown): unknown {
  return copy(value, 0, new WeakSet());
}

function copy(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : `[number ${String(value)}]`;
  if (typeof value === "bigint") return `[bigint ${value}]`;
  if (value === undefined) return "[undefined]";
  if (typeof value !== "object") return `[${typeof value}]`;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => copy(item, depth + 1, seen));
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return `[${Object.prototype.toString.call(value).slice(8, -1)}]`;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, copy(inner, depth + 1, seen)]));
  } finally {
    seen.delete(value);
  }
}
