import type { RiskLevel } from "@mc/core";

/** A tool the policy may name: the runtime passes its registry, so no tool list is hard-coded here. */
export interface PolicyTool {
  /** Tool name, e.g. `restart_service`. */
  name: string;
  /** The tool's risk level; it sets the default confirmation rule. */
  risk: RiskLevel;
}
