import * as v from "valibot";
import { wholeNumberSchema } from "./whole-number.js";

/** Longest `grep` text read_journal accepts. */
export const JOURNAL_GREP_MAX_LENGTH = 200;

/** Furthest back a relative time may reach: ten years. */
const MAX_RELATIVE_MS = 3650 * 86_400_000;

/** Milliseconds per unit of a relative time. */
const RELATIVE_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

const RELATIVE_TIME = /^-(\d{1,7})([smhdw])$/;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** syslog priority names, by number (`emerg` is 0, `debug` 7). */
export const JOURNAL_PRIORITIES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"] as const;

/**
 * Resolves a journal time argument to milliseconds since the epoch. Accepted: a relative time
 * `-N` + `s|m|h|d|w` (at most ten years back), an ISO 8601 date `YYYY-MM-DD` (midnight UTC) or a
 * date-time with seconds optional, a fraction optional and a zone required (`Z` or `±HH:MM`, so
 * the host's own time zone never changes the meaning). Anything else is refused: the text never
 * reaches journalctl, which gets `@<seconds>`.
 * @param text - the argument
 * @param nowMs - the current time, for relative values
 * @returns the time in milliseconds, or undefined when the text is not accepted
 */
export function resolveJournalTime(text: string, nowMs: number): number | undefined {
  const relative = RELATIVE_TIME.exec(text);
  if (relative !== null) {
    const offset = Number(relative[1]) * (RELATIVE_UNITS[relative[2] as string] as number);
    return offset <= MAX_RELATIVE_MS ? nowMs - offset : undefined;
  }
  const iso = ISO_TIME.exec(text);
  if (iso === null) return undefined;
  const [, year, month, day, hour = "00", minute = "00", second = "00", fraction = "", zone = "Z"] = iso as unknown as string[];
  const parts = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = parts;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const dayMs = Date.UTC(y, mo - 1, d);
  if (new Date(dayMs).getUTCDate() !== d) return undefined; // 2026-02-30
  let offsetMs = 0;
  if (zone !== "Z") {
    const zoneHours = Number(zone.slice(1, 3));
    const zoneMinutes = Number(zone.slice(4, 6));
    if (zoneHours > 23 || zoneMinutes > 59) return undefined;
    offsetMs = (zone.startsWith("-") ? -1 : 1) * (zoneHours * 60 + zoneMinutes) * 60_000;
  }
  const milliseconds = fraction === "" ? 0 : Number(fraction.padEnd(3, "0").slice(0, 3));
  return dayMs + ((h * 60 + mi) * 60 + s) * 1000 + milliseconds - offsetMs;
}

/**
 * valibot schema of a journal time (see {@link resolveJournalTime}).
 * @param description - what the time bounds, for the JSON Schema
 * @returns the schema
 */
export function journalTimeSchema(description: string) {
  return v.pipe(
    v.string("must be a string"),
    v.maxLength(40, "must be at most 40 characters"),
    v.check(
      (text) => resolveJournalTime(text, Date.now()) !== undefined,
      "must be an ISO 8601 time with a zone (2026-11-25T08:00:00Z, 2026-11-25T09:00:00+01:00), a date (2026-11-25, UTC) or a relative time such as -30m, -1h, -2d (s, m, h, d, w; at most 10 years)",
    ),
    v.description(description),
  );
}

/** valibot schema of `priority`: a syslog level name or number; that level and more important. */
export const journalPrioritySchema = v.pipe(
  v.union([v.picklist(JOURNAL_PRIORITIES), wholeNumberSchema(0, 7, "0 emerg … 7 debug.")], `must be one of ${JOURNAL_PRIORITIES.join(", ")} or a number 0–7`),
  v.description("Only entries of this priority and more important: emerg, alert, crit, err, warning, notice, info, debug, or 0–7."),
);

/** valibot schema of `grep`: plain text, never a regular expression. */
export const journalGrepSchema = v.pipe(
  v.string("must be a string"),
  v.nonEmpty("must not be empty"),
  v.maxLength(JOURNAL_GREP_MAX_LENGTH, `must be at most ${JOURNAL_GREP_MAX_LENGTH} characters`),
  v.regex(/^[^\u0000-\u001f\u007f]*$/u, "must not contain control characters"),
  v.description(
    `Only entries whose message contains this text (case-insensitive; plain text, not a regular expression; at most ${JOURNAL_GREP_MAX_LENGTH} characters).`,
  ),
);

/** valibot schema of `boot`: 0 (current), -1 (previous), … or a 32-hex boot id. */
export const journalBootSchema = v.pipe(
  v.union(
    [
      wholeNumberSchema(-100, 0, "Boot offset: 0 the current boot, -1 the one before, … (down to -100)."),
      // All zeros is systemd's null id, which journalctl takes as "the current boot": refused, so an id means one boot.
      v.pipe(v.string(), v.regex(/^(?!0{32}$)[0-9a-fA-F]{32}$/), v.description("A boot id: 32 hex digits, not all zero (journalctl --list-boots).")),
    ],
    "must be 0, a negative offset down to -100, or a boot id of 32 hex digits",
  ),
  v.description("Only entries of this boot: 0 the current one, -1 the previous, …, or a 32-hex boot id."),
);

/** The filters read_journal passes to journalctl, validated. */
export interface JournalFilters {
  /** Start of the window (ISO or relative). */
  since?: string | undefined;
  /** End of the window (ISO or relative). */
  until?: string | undefined;
  /** Name or number. */
  priority?: (typeof JOURNAL_PRIORITIES)[number] | number | undefined;
  /** Plain text to look for in messages. */
  grep?: string | undefined;
  /** Boot offset or id. */
  boot?: number | string | undefined;
}

/**
 * Escapes plain text into a PCRE2 pattern that matches exactly that text: every ASCII character
 * other than a letter or digit gets a backslash, which in PCRE2 always means the literal
 * character. The result has no quantifier, group or backreference, so matching it is linear.
 * @param text - plain text
 * @returns the literal pattern
 */
export function literalPcre2(text: string): string {
  return text.replace(/[\u0020-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u007e]/gu, "\\$&");
}

/**
 * journalctl arguments for the filters. Times are resolved here and passed as `@<seconds>`, so
 * journalctl never parses client text; `grep` goes as a literal pattern.
 * @param filters - validated filters
 * @param nowMs - the current time, for relative times
 * @returns arguments to append
 */
export function journalFilterArgs(filters: JournalFilters, nowMs: number): string[] {
  const args: string[] = [];
  const at = (text: string): string => `@${((resolveJournalTime(text, nowMs) as number) / 1000).toFixed(3)}`;
  if (filters.since !== undefined) args.push(`--since=${at(filters.since)}`);
  if (filters.until !== undefined) args.push(`--until=${at(filters.until)}`);
  if (filters.priority !== undefined) {
    const level = typeof filters.priority === "number" ? filters.priority : JOURNAL_PRIORITIES.indexOf(filters.priority);
    args.push(`--priority=${level}`);
  }
  if (filters.grep !== undefined) args.push(`--grep=${literalPcre2(filters.grep)}`, "--case-sensitive=false");
  if (filters.boot !== undefined) args.push(`--boot=${String(filters.boot).toLowerCase()}`);
  return args;
}
