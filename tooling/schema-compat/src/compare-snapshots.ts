import { type Bump, maxBump } from "./bump.js";
import { compareJsonSchema } from "./compare-json-schema.js";
import type { SchemaChange } from "./schema-change.js";
import type { PackageSnapshot, ToolSnapshot } from "./tool-snapshot.js";

/** The verdict on two snapshots of one package. */
export interface SnapshotComparison {
  /** The largest bump any change needs; `none` when the contracts are identical. */
  bump: Bump;
  /** Every change, tools in name order. */
  changes: SchemaChange[];
}

/**
 * Classifies every difference between a package's committed snapshot and its current one: a
 * removed or renamed tool or property, a narrowed input or a widened output is major; an added
 * tool, optional input or output property, or a widened input is minor; text is patch.
 * @param before - the committed snapshot (the released contract)
 * @param after - the snapshot of the current code
 * @returns the overall bump and each change with its own bump and message
 */
export function compareSnapshots(before: PackageSnapshot, after: PackageSnapshot): SnapshotComparison {
  const changes: SchemaChange[] = [];
  const names = [...new Set([...Object.keys(before.tools), ...Object.keys(after.tools)])].sort();
  for (const name of names) {
    const was = before.tools[name];
    const now = after.tools[name];
    if (now === undefined) {
      changes.push({
        tool: name,
        path: "",
        kind: "tool_removed",
        bump: "major",
        message: `${name}: tool removed (removing or renaming a tool) needs a major bump`,
      });
    } else if (was === undefined) {
      changes.push({
        tool: name,
        path: "",
        kind: "tool_added",
        bump: "minor",
        message: `${name}: tool added (adding a tool) needs a minor bump`,
      });
    } else {
      changes.push(...compareTool(name, was, now));
    }
  }
  const bump = changes.reduce<Bump>((largest, change) => maxBump(largest, change.bump), "none");
  return { bump, changes };
}

function compareTool(name: string, before: ToolSnapshot, after: ToolSnapshot): SchemaChange[] {
  const changes: SchemaChange[] = [];
  if (before.risk !== after.risk) {
    // A read-only tool is one clients may call without asking; any other level changes that.
    const wasReadOnly = before.risk === "read_only";
    const bump: Bump = wasReadOnly ? "major" : "minor";
    const reason = wasReadOnly ? "a read-only tool no longer is: clients' annotations change" : "the risk level changed";
    changes.push({
      tool: name,
      path: "risk",
      kind: "risk_changed",
      bump,
      message: `${name}: risk changed ${before.risk} → ${after.risk} (${reason}) needs a ${bump} bump`,
    });
  }
  for (const field of ["title", "description"] as const) {
    if (before[field] === after[field]) continue;
    changes.push({
      tool: name,
      path: field,
      kind: "text_changed",
      bump: "patch",
      message: `${name}: tool ${field} changed (text only) needs a patch bump`,
    });
  }
  changes.push(...compareJsonSchema(name, "input", before.input, after.input));
  changes.push(...compareJsonSchema(name, "output", before.output, after.output));
  return changes;
}
