import { createHash } from "node:crypto";
import { canonicalJson } from "@mc/core";

/** Strings longer than this many UTF-8 bytes are stored as `{ length, bytes, sha256 }`. */
export const MAX_STORED_STRING_BYTES = 1024;
/** Object members and array items kept per level; the rest are counted, not stored. */
export const MAX_STORED_ENTRIES = 64;
/** Levels of nesting kept; deeper values are stored as `[too deep]`. */
export const MAX_STORED_DEPTH = 8;
/** Largest canonical JSON of one stored argument object; a larger one becomes its digest. */
export const MAX_STORED_JSON_BYTES = 16 * 1024;
/** Longest stored text field of an event (reason, error); longer text is cut and digested. */
export const MAX_STORED_TEXT_CHARS = 2048;

/**
 * A bounded copy of a JSON value for the audit journal: every string over 1 KiB becomes
 * `{ length, bytes, sha256 }`, objects and arrays keep their first 64 entries (the rest counted
 * under `"…"`), nesting stops at depth 8, and if the whole is still over 16 KiB of canonical
 * JSON it becomes `{ truncated: true, bytes, sha256 }` of the full value. A 5 MB argument of a
 * refused call thus costs the journal a few hundred bytes, and the digest still proves what was
 * sent. Idempotent: a bounded value is its own bound.
 * @param value - a JSON value (already redacted)
 * @returns the bounded copy
 */
export function boundedValue(value: unknown): unknown {
  return boundedWithJson(value).value;
}

/**
 * The canonical JSON of a call's bounded argument object (see `boundedValue`): the text the
 * journal stores and hashes, serialized once — the size check's serialization is the stored one.
 * @param callArguments - redacted arguments
 * @returns canonical JSON of the bounded object
 */
export function boundedArgumentsJson(callArguments: Readonly<Record<string, unknown>>): string {
  return boundedWithJson(callArguments).json;
}

function boundedWithJson(value: unknown): { value: unknown; json: string } {
  const bounded = bound(value, 0);
  const json = canonicalJson(bounded);
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes <= MAX_STORED_JSON_BYTES) return { value: bounded, json };
  const digest = { truncated: true, bytes, sha256: sha256(canonicalJson(value)) };
  return { value: digest, json: canonicalJson(digest) };
}

/**
 * A bounded copy of a call's argument object (see `boundedValue`), still an object.
 * @param callArguments - redacted arguments
 * @returns the bounded object
 */
export function boundedArguments(callArguments: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return boundedValue(callArguments) as Record<string, unknown>;
}

/**
 * Text as a text column stores it: each NUL as the six visible characters `\u0000` (as JSON
 * writes it). libSQL's binding cut a string at its first NUL — a client named `nginx\0evil` was
 * recorded as `nginx`, and the event's hash, taken over the whole name, no longer verified — and
 * PostgreSQL refuses NUL in text outright; both stores now record the same visible text, and the
 * hash is taken over it. Idempotent (the result holds no NUL), so text read back from one column
 * and written into another is not escaped twice. Known limit: a text that already held those six
 * characters reads the same as one that held a NUL.
 * @param text - text from outside (a client name, a decider, a note, a reason)
 * @returns the text with every NUL escaped
 */
export function storedText(text: string): string {
  return text.includes("\0") ? text.replaceAll("\0", "\\u0000") : text;
}

/**
 * A text field as stored (see `storedText`: NUL as `\u0000`), cut to 2,048 characters, the cut
 * marked with the full length and the sha256 of the text as given.
 * @param text - an event's reason, error or name
 * @param limit - characters kept (default 2,048)
 * @returns the text, or its head and a digest of the whole
 */
export function boundedText(text: string, limit = MAX_STORED_TEXT_CHARS): string {
  const stored = storedText(text);
  if (stored.length <= limit) return stored;
  return `${stored.slice(0, limit)}… [${text.length} characters, sha256 ${sha256(text)}]`;
}

/** A key cut like a text field, but kept exact otherwise: canonical JSON carries any character. */
function boundedKey(key: string): string {
  return key.length <= 128 ? key : `${key.slice(0, 128)}… [${key.length} characters, sha256 ${sha256(key)}]`;
}

function bound(value: unknown, depth: number): unknown {
  if (typeof value === "string") {
    const bytes = Buffer.byteLength(value, "utf8");
    return bytes <= MAX_STORED_STRING_BYTES ? value : { length: value.length, bytes, sha256: sha256(value) };
  }
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_STORED_DEPTH) return "[too deep]";
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_STORED_ENTRIES).map((item) => bound(item, depth + 1));
    return value.length > MAX_STORED_ENTRIES ? [...kept, `[${value.length - MAX_STORED_ENTRIES} more items]`] : kept;
  }
  const entries = Object.entries(value);
  // fromEntries defines own properties: a `__proto__` key stays data and never sets a prototype.
  const kept = Object.fromEntries(entries.slice(0, MAX_STORED_ENTRIES).map(([key, inner]) => [boundedKey(key), bound(inner, depth + 1)]));
  if (entries.length > MAX_STORED_ENTRIES) kept["…"] = `${entries.length - MAX_STORED_ENTRIES} more keys`;
  return kept;
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
