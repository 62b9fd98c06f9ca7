import { createHash } from "node:crypto";

/** Argument names whose values never reach the audit journal. */
export const SECRET_KEY_PATTERN = /pass(word)?|secret|token|api[_-]?key|credential|private[_-]?key/i;

/** What replaces a secret value. */
export const REDACTED = "[redacted]";

/**
 * A copy of a call's arguments fit for the audit journal: the value of every key (at any
 * depth) whose name looks like a secret becomes `[redacted]`, and a top-level `content`
 * string (a config file's new text) becomes its sha256 and size, so the journal proves what
 * was written without holding it.
 * @param callArguments - the arguments as called
 * @returns the redacted copy; the input is not changed
 */
export function redactArguments(callArguments: Readonly<Record<string, unknown>>): Record<string, unknown> {
  // fromEntries defines own properties: a `__proto__` key stays data and never sets a prototype.
  return Object.fromEntries(
    Object.entries(callArguments).map(([key, value]) => {
      if (key === "content" && typeof value === "string") {
        const bytes = Buffer.byteLength(value, "utf8");
        return [key, { sha256: createHash("sha256").update(value, "utf8").digest("hex"), bytes }];
      }
      return [key, redactValue(key, value)];
    }),
  );
}

function redactValue(key: string, value: unknown): unknown {
  if (SECRET_KEY_PATTERN.test(key)) {
    return REDACTED;
  }
  if (Array.isArray(value)) {
    return value.map((item) => redactValue("", item));
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([innerKey, inner]) => [innerKey, redactValue(innerKey, inner)]));
  }
  return value;
}
