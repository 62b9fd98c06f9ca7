import { compileGlob, defineTool, matchGlob, SCOPES, TIMEOUTS, UNIT_NAME_MAX_LENGTH } from "@mc/core";
import * as v from "valibot";
import { parseUnitList, unitEntrySchema } from "./failed-services.js";
import { jsonArrayObjects } from "./json-array-objects.js";
import { runChecked, scopedArgs } from "./run-checked.js";
import { scopeSchema } from "./unit-name.js";
import { wholeNumberSchema } from "./whole-number.js";

/** Unit types `list_units` can filter on (`systemctl --type=`). */
export const UNIT_TYPES = ["service", "socket", "timer", "target", "mount", "path", "slice", "scope", "device", "swap", "automount"] as const;

/** States `list_units` can filter on (`systemctl --state=`): active, load and common sub states. */
export const UNIT_STATES = [
  "active",
  "inactive",
  "failed",
  "activating",
  "deactivating",
  "reloading",
  "maintenance",
  "loaded",
  "not-found",
  "masked",
  "error",
  "running",
  "exited",
  "dead",
  "waiting",
  "listening",
  "mounted",
  "plugged",
  "elapsed",
] as const;

/** Characters a unit-name glob may hold: those of a unit name plus `* ? [ ] ! ^`; never `-` first. */
export const UNIT_GLOB_PATTERN = /^[A-Za-z0-9@_.:*?[\]!^][A-Za-z0-9@_.:*?[\]!^-]*$/;

/** valibot schema of a glob on unit names, checked with mc's glob compiler before any process. */
export const unitGlobSchema = v.pipe(
  v.string("must be a string"),
  v.nonEmpty("must not be empty"),
  v.maxLength(UNIT_NAME_MAX_LENGTH, `must be at most ${UNIT_NAME_MAX_LENGTH} characters`),
  v.regex(UNIT_GLOB_PATTERN, "may contain only ASCII letters, digits, @ _ . : - (not first) and the glob characters * ? [ ] ! ^"),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const compiled = compileGlob(dataset.value);
    if (!compiled.ok) addIssue({ message: compiled.message });
  }),
  v.description("A shell-style glob on unit names, e.g. nginx*.service or mc-[a-z]*; * ? [a-z] [!a]."),
);

/** Output of `list_units`. */
export const listUnitsOutputSchema = v.object({
  scope: v.picklist(SCOPES),
  units: v.pipe(v.array(unitEntrySchema), v.description("Units in systemd's order (by name), at most `limit`.")),
  total: v.pipe(
    v.number(),
    v.integer(),
    v.minValue(0),
    v.description("How many matching units were read; a lower bound when the output was cut (see truncated)."),
  ),
  truncated: v.pipe(v.boolean(), v.description("More units matched than `units` lists, or systemctl's output was cut.")),
});

/**
 * systemctl arguments of `list_units`; the pattern comes last, after `--`, so it is never an option.
 * @param input - validated input
 * @returns the argv after `systemctl`
 */
export function listUnitsArgs(input: {
  scope: "system" | "user";
  type?: string | undefined;
  state?: string | undefined;
  pattern?: string | undefined;
}): string[] {
  const args = ["list-units", "--all", "--no-legend", "--no-pager", "--plain", "--output=json"];
  if (input.type !== undefined) args.push(`--type=${input.type}`);
  if (input.state !== undefined) args.push(`--state=${input.state}`);
  if (input.pattern !== undefined) args.push("--", input.pattern);
  return scopedArgs(input.scope, args);
}

/**
 * Units from `systemctl list-units --output=json` (or, where systemd ignores `--output=json`,
 * from the plain columns), tolerating output cut at the runner's cap.
 * @param stdout - systemctl's output
 * @param truncated - whether the runner cut it
 * @returns the complete unit entries
 */
export function parseListUnits(stdout: string, truncated: boolean): v.InferOutput<typeof unitEntrySchema>[] {
  const objects = jsonArrayObjects(stdout);
  if (objects === undefined) {
    // Plain columns: a cut last line could still look like a whole one, so drop it.
    const text = truncated ? stdout.slice(0, stdout.lastIndexOf("\n") + 1) : stdout;
    return parseUnitList(text);
  }
  const text = (value: unknown): string => (typeof value === "string" ? value : "");
  return objects
    .filter((object) => typeof object.unit === "string")
    .map((object) => ({
      unit: text(object.unit),
      load: text(object.load),
      active: text(object.active),
      sub: text(object.sub),
      description: text(object.description),
    }));
}

/** `list_units`: units of a manager, filtered by type, state and a name glob. */
export const listUnitsTool = defineTool({
  name: "list_units",
  title: "List units",
  description:
    "Units loaded in systemd (systemctl list-units --all: running, failed or referenced units; not every unit file), each with load, active and sub state and description, " +
    "optionally only one `type` (service, timer, …), one `state` (active, failed, …) and names matching a glob " +
    "`pattern` (e.g. nginx*.service). `total` counts the matches, `truncated` says when more exist than `limit` " +
    "(default 100, 1–500). scope 'user' lists the calling user's manager.",
  needs: ["systemd_manager"],
  risk: "read_only",
  // The policy judges the scope this call acts in (allowed_scopes); it names no unit.
  policySubject: (input) => ({ scope: input.scope }),
  input: v.strictObject({
    type: v.optional(v.pipe(v.picklist(UNIT_TYPES, `must be one of ${UNIT_TYPES.join(", ")}`), v.description("Only units of this type."))),
    state: v.optional(
      v.pipe(v.picklist(UNIT_STATES, `must be one of ${UNIT_STATES.join(", ")}`), v.description("Only units in this load, active or sub state.")),
    ),
    pattern: v.optional(unitGlobSchema),
    scope: scopeSchema,
    limit: v.optional(wholeNumberSchema(1, 500, "How many units to list (1–500, default 100)."), 100),
  }),
  output: listUnitsOutputSchema,
  async run(input, context) {
    const result = await runChecked(context, "systemctl", listUnitsArgs(input), {
      timeoutMs: TIMEOUTS.list,
      scope: input.scope,
      purpose: `list units (${input.scope} scope)`,
      acceptTruncated: true,
    });
    let units = parseListUnits(result.stdout, result.truncated);
    // systemctl matches with fnmatch; keeping only what mc's own glob matches makes the pattern
    // mean the same here as in the policy's service_patterns.
    const pattern = input.pattern === undefined ? undefined : compileGlob(input.pattern);
    if (pattern?.ok === true) units = units.filter((unit) => matchGlob(pattern.glob, unit.unit));
    return {
      scope: input.scope,
      units: units.slice(0, input.limit),
      total: units.length,
      truncated: units.length > input.limit || result.truncated,
    };
  },
});
