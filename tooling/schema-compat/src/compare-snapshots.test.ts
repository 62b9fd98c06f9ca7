import { type AnySchema, defineTool, type RiskLevel, type ToolDefinition } from "@mc/core";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { compareSnapshots } from "./compare-snapshots.js";
import { buildSnapshot } from "./tool-snapshot.js";

interface ToolShape {
  name?: string;
  title?: string;
  description?: string;
  risk?: RiskLevel;
  input: AnySchema;
  output: AnySchema;
}

function tool(shape: ToolShape): ToolDefinition {
  return defineTool({
    name: shape.name ?? "service_status",
    title: shape.title ?? "Service status",
    description: shape.description ?? "Shows a service's state.",
    risk: shape.risk ?? "read_only",
    input: shape.input,
    output: shape.output,
    // Never called: the checker reads schemas only.
    run: async () => {
      throw new Error("not run in these tests");
    },
  });
}

/** Builds both snapshots from real valibot schemas, as the package snapshot would be built. */
function compare(before: ToolShape[] | ToolShape, after: ToolShape[] | ToolShape) {
  const list = (shapes: ToolShape[] | ToolShape) => (Array.isArray(shapes) ? shapes : [shapes]).map(tool);
  return compareSnapshots(buildSnapshot("@mc/tools-systemd", list(before)), buildSnapshot("@mc/tools-systemd", list(after)));
}

const unit = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9@._-]*$/), v.maxLength(256));
const lines = (max: number) => v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(max)), 50);
const statusOutput = v.object({
  unit: v.string(),
  active_state: v.picklist(["active", "inactive", "failed"]),
  main_pid: v.optional(v.number()),
});

describe("compareSnapshots", () => {
  it("should report nothing for identical tools", () => {
    const shape = { input: v.strictObject({ unit, lines: lines(200) }), output: statusOutput };
    expect(compare(shape, shape)).toStrictEqual({ bump: "none", changes: [] });
  });

  it("should call a lowered input maximum a major narrowing", () => {
    const result = compare(
      { input: v.strictObject({ unit, lines: lines(200) }), output: statusOutput },
      { input: v.strictObject({ unit, lines: lines(100) }), output: statusOutput },
    );
    expect(result).toStrictEqual({
      bump: "major",
      changes: [
        {
          tool: "service_status",
          path: "input.properties.lines.maximum",
          kind: "range_changed",
          bump: "major",
          message: 'service_status: input property "lines" maximum lowered 200 → 100 (narrowing an input) needs a major bump',
        },
      ],
    });
  });

  it("should call a raised input maximum a minor widening", () => {
    const result = compare(
      { input: v.strictObject({ unit, lines: lines(200) }), output: statusOutput },
      { input: v.strictObject({ unit, lines: lines(1000) }), output: statusOutput },
    );
    expect(result.bump).toBe("minor");
    expect(result.changes.map((change) => change.message)).toStrictEqual([
      'service_status: input property "lines" maximum raised 200 → 1000 (widening an input) needs a minor bump',
    ]);
  });

  it("should call a raised minLength and a lowered maxLength major", () => {
    const result = compare(
      { input: v.strictObject({ unit: v.pipe(v.string(), v.maxLength(256)) }), output: statusOutput },
      { input: v.strictObject({ unit: v.pipe(v.string(), v.minLength(2), v.maxLength(64)) }), output: statusOutput },
    );
    expect(result.bump).toBe("major");
    expect(result.changes.map((change) => [change.path, change.bump, change.message])).toStrictEqual([
      ["input.properties.unit.minLength", "major", 'service_status: input property "unit" minLength added (2) (narrowing an input) needs a major bump'],
      ["input.properties.unit.maxLength", "major", 'service_status: input property "unit" maxLength lowered 256 → 64 (narrowing an input) needs a major bump'],
    ]);
  });

  it("should call a picklist value removed from an input major and one added minor", () => {
    const before = { input: v.strictObject({ scope: v.picklist(["system", "user"]) }), output: statusOutput };
    const removed = compare(before, { input: v.strictObject({ scope: v.picklist(["system"]) }), output: statusOutput });
    expect(removed.bump).toBe("major");
    expect(removed.changes.map((change) => change.message)).toStrictEqual([
      'service_status: input property "scope" enum values removed: "user" (narrowing an input) needs a major bump',
    ]);
    const added = compare(before, { input: v.strictObject({ scope: v.picklist(["system", "user", "global"]) }), output: statusOutput });
    expect(added.bump).toBe("minor");
    expect(added.changes.map((change) => change.path)).toStrictEqual(["input.properties.scope.enum"]);
  });

  it("should call a changed input pattern major", () => {
    const result = compare(
      { input: v.strictObject({ unit }), output: statusOutput },
      { input: v.strictObject({ unit: v.pipe(v.string(), v.regex(/^[a-z]+\.service$/), v.maxLength(256)) }), output: statusOutput },
    );
    expect(result.bump).toBe("major");
    expect(result.changes.map((change) => [change.kind, change.path])).toStrictEqual([["pattern_changed", "input.properties.unit.pattern"]]);
    expect(result.changes[0]?.message).toBe(
      'service_status: input property "unit" pattern changed "^[a-z][a-z0-9@._-]*$" → "^[a-z]+\\\\.service$" (an incompatible change to an input) needs a major bump',
    );
  });

  it("should call an optional input made required major and a required one made optional minor", () => {
    const optional = { input: v.strictObject({ unit, since: v.optional(v.string()) }), output: statusOutput };
    const required = { input: v.strictObject({ unit, since: v.string() }), output: statusOutput };
    const tightened = compare(optional, required);
    expect(tightened.bump).toBe("major");
    expect(tightened.changes.map((change) => change.message)).toStrictEqual([
      'service_status: input property "since" made required (an optional input made required) needs a major bump',
    ]);
    const loosened = compare(required, optional);
    expect(loosened.bump).toBe("minor");
    expect(loosened.changes.map((change) => change.kind)).toStrictEqual(["property_optional"]);
  });

  it("should call a new optional input minor and a new required input major", () => {
    const before = { input: v.strictObject({ unit }), output: statusOutput };
    const optional = compare(before, { input: v.strictObject({ unit, lines: lines(200) }), output: statusOutput });
    expect(optional).toStrictEqual({
      bump: "minor",
      changes: [
        {
          tool: "service_status",
          path: "input.properties.lines",
          kind: "property_added",
          bump: "minor",
          message: 'service_status: input property "lines" added as optional (adding an optional input) needs a minor bump',
        },
      ],
    });
    const required = compare(before, { input: v.strictObject({ unit, host: v.string() }), output: statusOutput });
    expect(required.bump).toBe("major");
    expect(required.changes.map((change) => change.message)).toStrictEqual([
      'service_status: input property "host" added as required (a new required input) needs a major bump',
    ]);
  });

  it("should call a renamed input property a major removal plus an addition", () => {
    const result = compare(
      { input: v.strictObject({ unit, lines: lines(200) }), output: statusOutput },
      { input: v.strictObject({ unit, line_count: lines(200) }), output: statusOutput },
    );
    expect(result.bump).toBe("major");
    expect(result.changes.map((change) => [change.kind, change.bump, change.message])).toStrictEqual([
      ["property_added", "minor", 'service_status: input property "line_count" added as optional (adding an optional input) needs a minor bump'],
      ["property_removed", "major", 'service_status: input property "lines" removed (removing or renaming an input property) needs a major bump'],
    ]);
  });

  it("should call a removed output property major and an added one minor", () => {
    const removed = compare(
      { input: v.strictObject({ unit }), output: statusOutput },
      { input: v.strictObject({ unit }), output: v.object({ unit: v.string(), active_state: v.picklist(["active", "inactive", "failed"]) }) },
    );
    expect(removed.bump).toBe("major");
    expect(removed.changes.map((change) => change.message)).toStrictEqual([
      'service_status: output property "main_pid" removed (removing or renaming an output property: clients rely on outputs) needs a major bump',
    ]);
    const added = compare(
      { input: v.strictObject({ unit }), output: statusOutput },
      { input: v.strictObject({ unit }), output: v.object({ ...statusOutput.entries, sub_state: v.string() }) },
    );
    expect(added.bump).toBe("minor");
    expect(added.changes.map((change) => change.message)).toStrictEqual([
      'service_status: output property "sub_state" added (adding an output property) needs a minor bump',
    ]);
  });

  it("should call a required output made optional major", () => {
    const result = compare(
      { input: v.strictObject({ unit }), output: statusOutput },
      { input: v.strictObject({ unit }), output: v.object({ ...statusOutput.entries, unit: v.optional(v.string()) }) },
    );
    expect(result.bump).toBe("major");
    expect(result.changes.map((change) => change.message)).toStrictEqual([
      'service_status: output property "unit" made optional (a required output made optional: clients rely on outputs) needs a major bump',
    ]);
  });

  it("should call a widened output enum major and a narrowed one minor", () => {
    const widened = compare(
      { input: v.strictObject({ unit }), output: statusOutput },
      {
        input: v.strictObject({ unit }),
        output: v.object({ ...statusOutput.entries, active_state: v.picklist(["active", "inactive", "failed", "reloading"]) }),
      },
    );
    expect(widened.bump).toBe("major");
    expect(widened.changes.map((change) => change.message)).toStrictEqual([
      'service_status: output property "active_state" enum values added: "reloading" (widening an output: a client may see values it does not know) needs a major bump',
    ]);
    const narrowed = compare(
      { input: v.strictObject({ unit }), output: statusOutput },
      { input: v.strictObject({ unit }), output: v.object({ ...statusOutput.entries, active_state: v.picklist(["active", "inactive"]) }) },
    );
    expect(narrowed.bump).toBe("minor");
  });

  it("should call a nullable output (a null branch added) major", () => {
    const result = compare(
      { input: v.strictObject({ unit }), output: statusOutput },
      { input: v.strictObject({ unit }), output: v.object({ ...statusOutput.entries, unit: v.nullable(v.string()) }) },
    );
    expect(result.bump).toBe("major");
    expect(result.changes.map((change) => [change.kind, change.path, change.message])).toStrictEqual([
      [
        "branch_added",
        "output.properties.unit.anyOf.1",
        'service_status: output property "unit" union branch null added (widening an output: a client may see values it does not know) needs a major bump',
      ],
    ]);
  });

  it("should call only description, title and default edits a patch", () => {
    const result = compare(
      {
        description: "Shows a service's state.",
        input: v.strictObject({ unit: v.pipe(unit, v.description("The unit.")), lines: lines(200) }),
        output: statusOutput,
      },
      {
        description: "Shows a systemd service's state and main PID.",
        input: v.strictObject({
          unit: v.pipe(unit, v.description("The unit name, e.g. nginx.service.")),
          lines: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(200)), 20),
        }),
        output: statusOutput,
      },
    );
    expect(result.bump).toBe("patch");
    expect(result.changes.map((change) => change.message)).toStrictEqual([
      "service_status: tool description changed (text only) needs a patch bump",
      'service_status: input property "lines" default changed 50 → 20 (text only) needs a patch bump',
      'service_status: input property "unit" description changed "The unit." → "The unit name, e.g. nginx.service." (text only) needs a patch bump',
    ]);
  });

  it("should call an added tool minor and a removed or renamed tool major", () => {
    const status = { input: v.strictObject({ unit }), output: statusOutput };
    const journal = { ...status, name: "read_journal" };
    expect(compare([status], [status, journal]).changes).toStrictEqual([
      {
        tool: "read_journal",
        path: "",
        kind: "tool_added",
        bump: "minor",
        message: "read_journal: tool added (adding a tool) needs a minor bump",
      },
    ]);
    const renamed = compare([status], [{ ...status, name: "unit_status" }]);
    expect(renamed.bump).toBe("major");
    expect(renamed.changes.map((change) => change.message)).toStrictEqual([
      "service_status: tool removed (removing or renaming a tool) needs a major bump",
      "unit_status: tool added (adding a tool) needs a minor bump",
    ]);
  });

  it("should call leaving read_only major and other risk changes minor", () => {
    const shape = { input: v.strictObject({ unit }), output: statusOutput };
    const fromReadOnly = compare({ ...shape, risk: "read_only" }, { ...shape, risk: "mutating_safe" });
    expect(fromReadOnly.changes).toStrictEqual([
      {
        tool: "service_status",
        path: "risk",
        kind: "risk_changed",
        bump: "major",
        message: "service_status: risk changed read_only → mutating_safe (a read-only tool no longer is: clients' annotations change) needs a major bump",
      },
    ]);
    expect(compare({ ...shape, risk: "mutating_safe" }, { ...shape, risk: "privileged" }).bump).toBe("minor");
    expect(compare({ ...shape, risk: "privileged" }, { ...shape, risk: "read_only" }).bump).toBe("minor");
  });

  it("should call a loose input object made strict major", () => {
    const result = compare({ input: v.object({ unit }), output: statusOutput }, { input: v.strictObject({ unit }), output: statusOutput });
    expect(result.changes.map((change) => [change.path, change.bump, change.message])).toStrictEqual([
      [
        "input.additionalProperties",
        "major",
        "service_status: input schema additional properties allowed changed from any to none (narrowing an input) needs a major bump",
      ],
    ]);
  });

  it("should call an input number made integer major and an integer made number minor", () => {
    const integer = { input: v.strictObject({ pid: v.pipe(v.number(), v.integer()) }), output: statusOutput };
    const number = { input: v.strictObject({ pid: v.number() }), output: statusOutput };
    const narrowed = compare(number, integer);
    expect(narrowed.changes.map((change) => [change.path, change.bump, change.message])).toStrictEqual([
      ["input.properties.pid.type", "major", 'service_status: input property "pid" type narrowed number → integer (narrowing an input) needs a major bump'],
    ]);
    expect(compare(integer, number).bump).toBe("minor");
  });

  it("should call a type change with no overlap an incompatible major change and stop there", () => {
    const result = compare(
      { input: v.strictObject({ since: v.pipe(v.string(), v.maxLength(40)) }), output: statusOutput },
      { input: v.strictObject({ since: v.pipe(v.number(), v.maxValue(10)) }), output: statusOutput },
    );
    expect(result.changes.map((change) => [change.kind, change.bump, change.message])).toStrictEqual([
      ["type_changed", "major", 'service_status: input property "since" type changed string → number (an incompatible change to an input) needs a major bump'],
    ]);
  });

  it("should walk array items and nested objects to name the property", () => {
    const entry = (max: number) => v.object({ name: v.string(), memory: v.pipe(v.number(), v.maxValue(max)) });
    const result = compare(
      {
        input: v.strictObject({ units: v.array(v.strictObject({ name: v.string(), limit: v.pipe(v.number(), v.maxValue(10)) })) }),
        output: v.object({ units: v.array(entry(100)) }),
      },
      {
        input: v.strictObject({ units: v.array(v.strictObject({ name: v.string(), limit: v.pipe(v.number(), v.maxValue(5)) })) }),
        output: v.object({ units: v.array(entry(200)) }),
      },
    );
    expect(result.changes.map((change) => [change.path, change.bump, change.message])).toStrictEqual([
      [
        "input.properties.units.items.properties.limit.maximum",
        "major",
        'service_status: input property "units[].limit" maximum lowered 10 → 5 (narrowing an input) needs a major bump',
      ],
      [
        "output.properties.units.items.properties.memory.maximum",
        "major",
        'service_status: output property "units[].memory" maximum raised 100 → 200 (widening an output: a client may see values it does not know) needs a major bump',
      ],
    ]);
  });

  it("should treat variant branches added as widening, removed as narrowing, and compare inside kept ones", () => {
    const byName = v.object({ kind: v.literal("name"), unit });
    const byPid = (max: number) => v.object({ kind: v.literal("pid"), pid: v.pipe(v.number(), v.maxValue(max)) });
    const byCgroup = v.object({ kind: v.literal("cgroup"), path: v.string() });
    const shape = (...branches: [v.GenericSchema, ...v.GenericSchema[]]) => ({
      input: v.strictObject({ target: v.union(branches) }),
      output: statusOutput,
    });
    const added = compare(shape(byName, byPid(100)), shape(byName, byPid(100), byCgroup));
    expect(added.changes.map((change) => [change.kind, change.path, change.bump, change.message])).toStrictEqual([
      [
        "branch_added",
        "input.properties.target.anyOf.2",
        "minor",
        'service_status: input property "target" union branch object {kind: "cgroup"} added (widening an input) needs a minor bump',
      ],
    ]);
    const removed = compare(shape(byName, byPid(100)), shape(byName));
    expect(removed.changes.map((change) => [change.kind, change.bump])).toStrictEqual([["branch_removed", "major"]]);
    const edited = compare(shape(byName, byPid(100)), shape(byName, byPid(50)));
    expect(edited.changes.map((change) => [change.path, change.bump])).toStrictEqual([["input.properties.target.anyOf.1.properties.pid.maximum", "major"]]);
  });

  it("should call a changed literal an incompatible major change", () => {
    const result = compare(
      { input: v.strictObject({ unit }), output: v.object({ action: v.literal("restart") }) },
      { input: v.strictObject({ unit }), output: v.object({ action: v.literal("restart_service") }) },
    );
    expect(result.changes.map((change) => change.message)).toStrictEqual([
      'service_status: output property "action" const changed "restart" → "restart_service" (an incompatible change to an output) needs a major bump',
    ]);
  });

  it("should report the largest bump of several changes across tools", () => {
    const status = { input: v.strictObject({ unit }), output: statusOutput };
    const journal = { name: "read_journal", input: v.strictObject({ unit, lines: lines(200) }), output: v.object({ entries: v.array(v.string()) }) };
    const result = compare(
      [status, journal],
      [
        { ...status, description: "Shows a unit's state." },
        { ...journal, input: v.strictObject({ unit, lines: lines(500) }) },
      ],
    );
    expect(result.bump).toBe("minor");
    expect(result.changes.map((change) => [change.tool, change.bump])).toStrictEqual([
      ["read_journal", "minor"],
      ["service_status", "patch"],
    ]);
  });
});
