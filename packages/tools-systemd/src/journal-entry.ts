import * as v from "valibot";

/** One journal entry as `read_journal` reports it. */
export const journalEntrySchema = v.object({
  time: v.pipe(v.string(), v.isoTimestamp(), v.description("When it was logged (UTC, ISO 8601).")),
  unit: v.pipe(v.optional(v.string()), v.description("The unit it concerns or came from, when known.")),
  priority: v.pipe(
    v.number(),
    v.integer(),
    v.minValue(0),
    v.maxValue(7),
    v.description("syslog priority: 0 emerg … 3 err, 4 warning, 5 notice, 6 info, 7 debug."),
  ),
  pid: v.pipe(v.optional(v.number()), v.description("Process that logged it.")),
  identifier: v.pipe(v.optional(v.string()), v.description("Syslog identifier or command name.")),
  message: v.pipe(v.string(), v.description("The log line as written.")),
});

/** A parsed journal entry. */
export type JournalEntry = v.InferOutput<typeof journalEntrySchema>;

/** Fields asked of journalctl, so each entry stays small (the runner caps output). */
export const JOURNAL_FIELDS = [
  "MESSAGE",
  "PRIORITY",
  "_PID",
  "_SYSTEMD_UNIT",
  "UNIT",
  "_SYSTEMD_USER_UNIT",
  "USER_UNIT",
  "SYSLOG_IDENTIFIER",
  "_COMM",
] as const;

/**
 * A journal field's text: journalctl's JSON gives a string, an array of bytes for binary or
 * invalid UTF-8, null for a field too large to show, and an array of those for a repeated field.
 * @param value - the field as parsed from JSON
 * @returns its text, or undefined when absent or unshowable
 */
function fieldText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === "number")) return Buffer.from(value).toString("utf8");
    return fieldText(value[0]);
  }
  return undefined;
}

/**
 * Turns one line of `journalctl --output=json` into an entry.
 * @param line - one JSON object
 * @param scope - user scope prefers the user manager's unit fields
 * @returns the entry and its cursor, or undefined when the line is not a complete entry
 */
export function parseJournalLine(line: string, scope: "system" | "user"): { entry: JournalEntry; cursor: string } | undefined {
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
    record = parsed as Record<string, unknown>;
  } catch {
    return undefined; // the last line of a truncated output
  }
  const cursor = fieldText(record.__CURSOR);
  const microseconds = fieldText(record.__REALTIME_TIMESTAMP);
  if (cursor === undefined || microseconds === undefined || !/^\d+$/.test(microseconds)) return undefined;
  const message = record.MESSAGE === null ? "[message too large to show]" : (fieldText(record.MESSAGE) ?? "");
  const priority = Number(fieldText(record.PRIORITY) ?? "6");
  const pid = Number(fieldText(record._PID));
  // UNIT/USER_UNIT name the unit a manager's message is about ("Started x.service"); the
  // _SYSTEMD_* fields the unit of the process that wrote it.
  const unit =
    scope === "user"
      ? (fieldText(record.USER_UNIT) ?? fieldText(record._SYSTEMD_USER_UNIT) ?? fieldText(record._SYSTEMD_UNIT))
      : (fieldText(record.UNIT) ?? fieldText(record._SYSTEMD_UNIT));
  const identifier = fieldText(record.SYSLOG_IDENTIFIER) ?? fieldText(record._COMM);
  return {
    cursor,
    entry: {
      time: new Date(Number(BigInt(microseconds) / 1000n)).toISOString(),
      ...(unit === undefined ? {} : { unit }),
      priority: Number.isInteger(priority) && priority >= 0 && priority <= 7 ? priority : 6,
      ...(Number.isSafeInteger(pid) && pid > 0 ? { pid } : {}),
      ...(identifier === undefined ? {} : { identifier }),
      message,
    },
  };
}
