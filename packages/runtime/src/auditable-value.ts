import { createHash } from "node:crypto";

/** Nesting kept; deeper values become `[too deep]` (the store keeps 8 levels). */
const MAX_DEPTH = 8;
/** Strings over this many UTF-8 bytes are kept as `{ length, bytes, sha256 }` (as the store does). */
const MAX_STRING_BYTES = 1024;
/** Members or items kept per object or array; the rest are counted. */
const MAX_ENTRIES = 64;

/**
 * A bounded, JSON-safe copy of any value, for the audit journal: a refused call's arguments are
 * recorded as given, even when they hold what JSON cannot (Infinity, NaN, undefined, a bigint, a
 * cycle, a Date), each replaced by a bracketed description; strings over 1 KiB become
 * `{ length, bytes, sha256 }`, objects and arrays keep 64 entries and nesting stops at depth 8,
 * so a 5 MB argument costs the journal a digest, not 5 MB (the store bounds the total again).
 * Keys are kept as own properties, `__proto__` included.
 * @param value - anything a caller passed
 * @returns a JSON-safe, bounded copy
 */
export function auditableValue(value: unknown): unknown {
  return copy(value, 0, new WeakSet());
}

function copy(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return boundedString(value);
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : `[number ${String(value)}]`;
  if (typeof value === "bigint") return boundedString(`[bigint ${value}]`);
  if (value === undefined) return "[undefined]";
  if (typeof value !== "object") return `[${typeof value}]`;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const kept = value.slice(0, MAX_ENTRIES).map((item) => copy(item, depth + 1, seen));
      return value.length > MAX_ENTRIES ? [...kept, `[${value.length - MAX_ENTRIES} more items]`] : kept;
    }
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return `[${Object.prototype.toString.call(value).slice(8, -1)}]`;
    const entries = Object.entries(value);
    const kept = Object.fromEntries(
      entries.slice(0, MAX_ENTRIES).map(([key, inner]) => [key.length > 128 ? `${key.slice(0, 128)}…` : key, copy(inner, depth + 1, seen)]),
    );
    if (entries.length > MAX_ENTRIES) kept["…"] = `${entries.length - MAX_ENTRIES} more keys`;
    return kept;
  } finally {
    seen.delete(value);
  }
}

function boundedString(value: string): unknown {
  // A string of over 1,024 characters is certainly over 1 KiB; shorter ones are measured.
  if (value.length <= MAX_STRING_BYTES / 4 || (value.length <= MAX_STRING_BYTES && Buffer.byteLength(value, "utf8") <= MAX_STRING_BYTES)) return value;
  return { length: value.length, bytes: Buffer.byteLength(value, "utf8"), sha256: createHash("sha256").update(value, "utf8").digest("hex") };
}
