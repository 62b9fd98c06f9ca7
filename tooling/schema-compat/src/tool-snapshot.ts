import { type RiskLevel, type ToolDefinition, toolJsonSchemas } from "@mc/core";
import { type JsonValue, sortKeysDeep } from "./stable-json.js";

/** The published contract of one tool, as committed in a package's snapshot. */
export interface ToolSnapshot {
  /** The tool's risk level; it sets the MCP annotations clients see. */
  risk: RiskLevel;
  /** Short human title. */
  title: string;
  /** The description an agent reads. */
  description: string;
  /** JSON Schema (draft-07) of the arguments. */
  input: JsonValue;
  /** JSON Schema (draft-07) of the result. */
  output: JsonValue;
}

/** A package's committed schema snapshot (`packages/<pkg>/schemas/tools.json`). */
export interface PackageSnapshot {
  /** The npm name of the package that defines the tools, e.g. `@mc/tools-systemd`. */
  package: string;
  /** Every tool of the package by name, names sorted. */
  tools: Record<string, ToolSnapshot>;
}

/**
 * Builds the snapshot of a package's tools: each tool's risk, title, description and JSON
 * Schemas (from valibot with `errorMode: "ignore"`, as `tools/list` publishes them). Tool names
 * and every object's keys are sorted so the committed file diffs cleanly.
 * @param packageName - the npm name of the package defining the tools
 * @param tools - the package's tool definitions
 * @returns the snapshot
 * @throws Error when two tools share a name
 */
export function buildSnapshot(packageName: string, tools: readonly ToolDefinition[]): PackageSnapshot {
  const byName = new Map<string, ToolDefinition>();
  for (const tool of tools) {
    if (byName.has(tool.name)) throw new Error(`${packageName} defines the tool "${tool.name}" twice`);
    byName.set(tool.name, tool);
  }
  const snapshotTools: Record<string, ToolSnapshot> = {};
  for (const name of [...byName.keys()].sort()) {
    const tool = byName.get(name) as ToolDefinition;
    const schemas = toolJsonSchemas(tool);
    snapshotTools[name] = {
      risk: tool.risk,
      title: tool.title,
      description: tool.description,
      input: sortKeysDeep(sortRequired(schemas.input)),
      output: sortKeysDeep(sortRequired(schemas.output)),
    };
  }
  return { package: packageName, tools: snapshotTools };
}

/**
 * `required` is a set: valibot lists it in the order the object's entries were written, so
 * reordering the entries would otherwise show as a snapshot change.
 */
function sortRequired(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(sortRequired);
  if (schema === null || typeof schema !== "object") return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] = key === "required" && Array.isArray(value) && value.every((item) => typeof item === "string") ? [...value].sort() : sortRequired(value);
  }
  return copy;
}
