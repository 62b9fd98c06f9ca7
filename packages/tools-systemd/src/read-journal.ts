import { type CommandResult, defineTool, TIMEOUTS, type ToolContext, ToolFailureError } from "@mc/core";
import * as v from "valibot";
import { JOURNAL_FIELDS, type JournalEntry, journalEntrySchema, parseJournalLine } from "./journal-entry.js";
import {
  journalBootSchema,
  journalFilterArgs,
  type JournalFilters,
  journalGrepSchema,
  journalPrioritySchema,
  journalTimeSchema,
  resolveJournalTime,
} from "./journal-filters.js";
import { runChecked, type RunCheckedOptions } from "./run-checked.js";
import { scopeSchema, unitNameSchema } from "./unit-name.js";
import { wholeNumberSchema } from "./whole-number.js";

/** Most journalctl calls one read makes while paging past the runner's output cap. */
const MAX_PAGES = 10;

/**
 * One journalctl call. With `--grep`, journalctl exits 1 with no output at all when nothing
 * matches; that is an empty page, not a failure (any other exit 1 carries a message on stderr).
 * @param context - tool context
 * @param args - journalctl arguments
 * @param options - timeout, scope, purpose
 * @param grep - whether the call filters with --grep
 * @returns the command's result
 */
async function readPage(context: ToolContext, args: string[], options: RunCheckedOptions, grep: boolean): Promise<CommandResult> {
  try {
    return await runChecked(context, "journalctl", args, options);
  } catch (error) {
    const data = ToolFailureError.isInstance(error) ? (error.data as { exit_code?: unknown; stderr?: unknown }) : undefined;
    if (grep && data?.exit_code === 1 && data.stderr === "") return { argv: args, exitCode: 0, stdout: "", stderr: "", truncated: false, durationMs: 0 };
    throw error;
  }
}

/** Output of `read_journal`. */
export const readJournalOutputSchema = v.object({
  scope: v.picklist(["system", "user"]),
  unit: v.optional(v.string()),
  entries: v.pipe(v.array(journalEntrySchema), v.description("Oldest first, ending with the newest entry.")),
  truncated: v.pipe(v.boolean(), v.description("More entries were asked for than could be read.")),
});

/**
 * journalctl arguments for one page, newest first. In user scope a unit is matched with
 * `--user-unit` and without `--user`: journald keeps the entries of a system user's manager
 * (root's, uid < 1000) in the system journal, where `--user` does not look; a regular user reads
 * only the journals they may read anyway. Without a unit, user scope reads `--user`.
 * @param scope - system or user
 * @param unit - unit to filter on, if any
 * @param lines - how many entries
 * @param afterCursor - continue after this entry (older ones, since the order is reversed)
 * @param filters - since/until/priority/grep/boot, already validated
 * @param nowMs - the time relative `since`/`until` count back from
 * @returns the argv after `journalctl`
 */
export function journalArgs(
  scope: "system" | "user",
  unit: string | undefined,
  lines: number,
  afterCursor?: string,
  filters: JournalFilters = {},
  nowMs: number = Date.now(),
): string[] {
  const args = ["-q", "--no-pager", "--output=json", `--output-fields=${JOURNAL_FIELDS.join(",")}`, "--reverse"];
  args.push("-n", String(lines));
  if (afterCursor !== undefined) args.push(`--after-cursor=${afterCursor}`);
  if (unit === undefined) {
    if (scope === "user") args.push("--user");
  } else {
    args.push(scope === "user" ? "--user-unit" : "-u", unit);
  }
  args.push(...journalFilterArgs(filters, nowMs));
  return args;
}

/** `read_journal`: recent journal entries, optionally of one unit, parsed from journalctl's JSON. */
export const readJournalTool = defineTool({
  name: "read_journal",
  title: "Read journal",
  description:
    "The last `lines` journal entries (default 50, 1–200), of one `unit` if given, oldest first: time, unit, " +
    "priority (0 emerg … 7 debug), pid, identifier and message. scope 'user' reads the user manager's units. " +
    "Filters: `since`/`until` (ISO 8601 with a zone, a date, or relative -30m, -1h, -2d), `priority` (that level " +
    "and more important), `grep` (plain text in the message, case-insensitive), `boot` (0, -1, … or a boot id). " +
    "journald writes asynchronously: a line logged a moment ago may appear only on the next call.",
  needs: ["journal"],
  risk: "read_only",
  // The policy judges the scope and unit this call acts on (allowed_scopes, service_patterns).
  policySubject: (input) => ({ scope: input.scope, unit: input.unit }),
  input: v.pipe(
    v.strictObject({
      unit: v.optional(unitNameSchema),
      lines: v.optional(wholeNumberSchema(1, 200, "How many entries (1–200, default 50)."), 50),
      scope: scopeSchema,
      since: v.optional(journalTimeSchema("Only entries at or after this time: ISO 8601 with a zone, a date (UTC), or relative (-30m, -1h, -2d).")),
      until: v.optional(journalTimeSchema("Only entries at or before this time: ISO 8601 with a zone, a date (UTC), or relative (-5m).")),
      priority: v.optional(journalPrioritySchema),
      grep: v.optional(journalGrepSchema),
      boot: v.optional(journalBootSchema),
    }),
    v.forward(
      v.partialCheck(
        [["since"], ["until"]],
        (input) => {
          if (input.since === undefined || input.until === undefined) return true;
          const now = Date.now();
          return (resolveJournalTime(input.since, now) as number) <= (resolveJournalTime(input.until, now) as number);
        },
        "must not be before since",
      ),
      ["until"],
    ),
  ),
  output: readJournalOutputSchema,
  async run(input, context) {
    const filters: JournalFilters = { since: input.since, until: input.until, priority: input.priority, grep: input.grep, boot: input.boot };
    const nowMs = Date.now();
    const newestFirst: JournalEntry[] = [];
    let cursor: string | undefined;
    let complete = false;
    // The runner cuts output at its cap; reading newest first and continuing after the last
    // complete entry keeps the newest entries and still gets all that were asked for.
    for (let page = 0; page < MAX_PAGES && newestFirst.length < input.lines; page++) {
      const result = await readPage(
        context,
        journalArgs(input.scope, input.unit, input.lines - newestFirst.length, cursor, filters, nowMs),
        {
          timeoutMs: TIMEOUTS.list,
          scope: input.scope,
          purpose: `read the journal${input.unit === undefined ? "" : ` of ${input.unit}`} (${input.scope} scope)`,
          acceptTruncated: true,
        },
        input.grep !== undefined,
      );
      let read = 0;
      for (const line of result.stdout.split("\n")) {
        const parsed = parseJournalLine(line, input.scope);
        if (parsed === undefined || newestFirst.length >= input.lines) continue;
        newestFirst.push(parsed.entry);
        cursor = parsed.cursor;
        read++;
      }
      if (!result.truncated) {
        complete = true;
        break;
      }
      if (read === 0) break;
    }
    return {
      scope: input.scope,
      ...(input.unit === undefined ? {} : { unit: input.unit }),
      entries: newestFirst.reverse(),
      truncated: !complete && newestFirst.length < input.lines,
    };
  },
});
