import { defineTool, SCOPES, TIMEOUTS } from "@mc/core";
import * as v from "valibot";
import { runChecked, scopedArgs } from "./run-checked.js";
import { scopeSchema } from "./unit-name.js";
import { wholeNumberSchema } from "./whole-number.js";

/** One unit line of `systemctl list-units`. */
export const unitEntrySchema = v.object({
  unit: v.pipe(v.string(), v.description("Unit name.")),
  load: v.pipe(v.string(), v.description("Load state.")),
  active: v.pipe(v.string(), v.description("Active state.")),
  sub: v.pipe(v.string(), v.description("Sub state.")),
  description: v.pipe(v.string(), v.description("The unit's description.")),
});

/** Output of `failed_services`. */
export const failedServicesOutputSchema = v.object({
  scope: v.picklist(SCOPES),
  units: v.array(unitEntrySchema),
  count: v.pipe(v.number(), v.integer(), v.minValue(0), v.description("How many failed services there are in all.")),
  truncated: v.pipe(v.boolean(), v.description("More failed services exist than `units` lists.")),
});

/**
 * Parses `systemctl list-units --no-legend --plain` lines: four columns, then the description.
 * @param text - stdout
 * @returns one entry per unit line
 */
export function parseUnitList(text: string): v.InferOutput<typeof unitEntrySchema>[] {
  const units: v.InferOutput<typeof unitEntrySchema>[] = [];
  for (const line of text.split("\n")) {
    // Without --plain (or on old versions) a failed unit is marked with a leading bullet.
    const match = /^\s*(?:●\s*)?(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(line);
    if (match === null) continue;
    const [, unit, load, active, sub, description] = match as unknown as [string, string, string, string, string, string?];
    units.push({ unit, load, active, sub, description: (description ?? "").trim() });
  }
  return units;
}

/** `failed_services`: services in the failed state, from `systemctl list-units`. */
export const failedServicesTool = defineTool({
  name: "failed_services",
  title: "Failed services",
  description:
    "Services in the failed state (systemctl list-units --state=failed), each with load, active and sub state " +
    "and description; `count` is the total, `truncated` says when more exist than `limit` (default 10, 1–50). " +
    "scope 'user' lists the calling user's manager.",
  needs: ["systemd_manager"],
  risk: "read_only",
  // The policy judges the scope this call acts in (allowed_scopes); it names no unit.
  policySubject: (input) => ({ scope: input.scope }),
  input: v.strictObject({
    scope: scopeSchema,
    limit: v.optional(wholeNumberSchema(1, 50, "How many units to list (1–50, default 10)."), 10),
  }),
  output: failedServicesOutputSchema,
  async run(input, context) {
    const result = await runChecked(
      context,
      "systemctl",
      scopedArgs(input.scope, ["list-units", "--type=service", "--state=failed", "--all", "--no-legend", "--no-pager", "--plain"]),
      { timeoutMs: TIMEOUTS.list, scope: input.scope, purpose: `list failed services (${input.scope} scope)` },
    );
    const units = parseUnitList(result.stdout);
    return {
      scope: input.scope,
      units: units.slice(0, input.limit),
      count: units.length,
      truncated: units.length > input.limit || result.truncated,
    };
  },
});
