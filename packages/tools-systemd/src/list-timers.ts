import { defineTool, TIMEOUTS, ToolFailureError } from "@mc/core";
import * as v from "valibot";
import { jsonArrayObjects } from "./json-array-objects.js";
import { listUnitsArgs, parseListUnits } from "./list-units.js";
import { runChecked, scopedArgs } from "./run-checked.js";
import { scopeSchema } from "./unit-name.js";
import { wholeNumberSchema } from "./whole-number.js";

/** One timer as `list_timers` reports it. */
export const timerEntrySchema = v.object({
  unit: v.pipe(v.string(), v.description("The timer unit.")),
  activates: v.pipe(v.nullable(v.string()), v.description("The unit it starts when it elapses, or null when unknown (e.g. masked).")),
  next: v.pipe(v.nullable(v.pipe(v.string(), v.isoTimestamp())), v.description("When it elapses next (UTC, ISO 8601), or null when not scheduled.")),
  last: v.pipe(v.nullable(v.pipe(v.string(), v.isoTimestamp())), v.description("When it last elapsed (UTC, ISO 8601), or null when never.")),
  active: v.pipe(v.string(), v.description("Active state of the timer: active, inactive, failed, … (empty when unknown).")),
  sub: v.pipe(v.string(), v.description("Sub state: waiting, running, elapsed, dead, … (empty when unknown).")),
  description: v.pipe(v.string(), v.description("The timer's description.")),
});

/** Output of `list_timers`. */
export const listTimersOutputSchema = v.object({
  scope: v.picklist(["system", "user"]),
  timers: v.pipe(v.array(timerEntrySchema), v.description("Timers, soonest next run first (systemd's order), at most `limit`.")),
  total: v.pipe(v.number(), v.integer(), v.minValue(0), v.description("How many timers were read; a lower bound when truncated.")),
  truncated: v.pipe(v.boolean(), v.description("More timers exist than `timers` lists, or systemctl's output was cut.")),
});

/**
 * A microsecond realtime value of `systemctl list-timers --output=json` as ISO 8601.
 * @param value - microseconds since the epoch; 0, null or absent means none
 * @returns the time, or null
 */
export function timerTime(value: unknown): string | null {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) return null;
  const date = new Date(Math.floor(value / 1000));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** `list_timers`: timers with their next and last run and the unit they activate. */
export const listTimersTool = defineTool({
  name: "list_timers",
  title: "List timers",
  description:
    "systemd timers (systemctl list-timers --all): for each, the unit it activates, when it runs next and ran last " +
    "(ISO 8601 UTC, null when not scheduled / never), its active and sub state and description; soonest first. " +
    "`truncated` says when more exist than `limit` (default 50, 1–200). scope 'user' lists the calling user's manager.",
  needs: ["systemd_manager"],
  risk: "read_only",
  // The policy judges the scope this call acts in (allowed_scopes); it names no unit.
  policySubject: (input) => ({ scope: input.scope }),
  input: v.strictObject({
    scope: scopeSchema,
    limit: v.optional(wholeNumberSchema(1, 200, "How many timers to list (1–200, default 50)."), 50),
  }),
  output: listTimersOutputSchema,
  async run(input, context) {
    const options = { timeoutMs: TIMEOUTS.list, scope: input.scope, acceptTruncated: true };
    const timers = await runChecked(context, "systemctl", scopedArgs(input.scope, ["list-timers", "--all", "--no-legend", "--no-pager", "--output=json"]), {
      ...options,
      purpose: `list timers (${input.scope} scope)`,
    });
    const states = await runChecked(context, "systemctl", listUnitsArgs({ scope: input.scope, type: "timer" }), {
      ...options,
      purpose: `read the state of the timers (${input.scope} scope)`,
    });
    const stateOf = new Map(parseListUnits(states.stdout, states.truncated).map((unit) => [unit.unit, unit]));
    const objects = jsonArrayObjects(timers.stdout);
    if (objects === undefined) {
      // systemd before 246 ignores --output=json here; its text columns are not parsed.
      throw new ToolFailureError("systemctl list-timers gave no JSON (systemd 246 or newer is needed)", {
        data: { command: "systemctl", scope: input.scope },
      });
    }
    const entries = objects
      .filter((object) => typeof object.unit === "string")
      .map((object) => {
        const unit = object.unit as string;
        const state = stateOf.get(unit);
        return {
          unit,
          activates: typeof object.activates === "string" && object.activates !== "" ? object.activates : null,
          next: timerTime(object.next),
          last: timerTime(object.last),
          active: state?.active ?? "",
          sub: state?.sub ?? "",
          description: state?.description ?? "",
        };
      });
    return {
      scope: input.scope,
      timers: entries.slice(0, input.limit),
      total: entries.length,
      truncated: entries.length > input.limit || timers.truncated,
    };
  },
});
