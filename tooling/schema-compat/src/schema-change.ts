import type { Bump } from "./bump.js";

/** Which of a tool's schemas a change is in. Inputs and outputs break clients in opposite directions. */
export type SchemaSide = "input" | "output";

/** What changed, in a form a program can switch on. */
export type ChangeKind =
  | "tool_added"
  | "tool_removed"
  | "risk_changed"
  | "text_changed"
  | "type_changed"
  | "range_changed"
  | "enum_changed"
  | "const_changed"
  | "pattern_changed"
  | "format_changed"
  | "multiple_of_changed"
  | "unique_items_changed"
  | "property_added"
  | "property_removed"
  | "property_required"
  | "property_optional"
  | "additional_properties_changed"
  | "items_changed"
  | "branch_added"
  | "branch_removed"
  | "keyword_changed";

/** One classified difference between two snapshots of a package's tools. */
export interface SchemaChange {
  /** The tool's name. */
  tool: string;
  /**
   * Where in the tool's snapshot entry, dotted, e.g. `input.properties.limit.maximum`; empty
   * for a tool added or removed.
   */
  path: string;
  /** What changed. */
  kind: ChangeKind;
  /** The smallest release this change needs. */
  bump: Bump;
  /** A sentence naming the tool, the property, what changed and the bump it needs. */
  message: string;
}
