/**
 * How much a tool can change the host. It sets the default confirmation rule and the MCP
 * annotations a client sees.
 * - `read_only`: reads facts, changes nothing.
 * - `mutating_safe`: changes state in a way that is routine and reversible (reload a service).
 * - `privileged`: can interrupt service or change files (restart, write a config).
 */
export type RiskLevel = "read_only" | "mutating_safe" | "privileged";

/** Every risk level, from least to most dangerous. */
export const RISK_LEVELS: readonly RiskLevel[] = ["read_only", "mutating_safe", "privileged"];

/** MCP tool annotations derived from a risk level. */
export interface RiskAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: false;
}

/**
 * Maps a risk level onto MCP tool annotations.
 * @param risk - the tool's risk level
 * @returns annotations; mc tools never reach outside the host, so `openWorldHint` is false
 */
export function riskAnnotations(risk: RiskLevel): RiskAnnotations {
  switch (risk) {
    case "read_only":
      return { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
    case "mutating_safe":
      return { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false };
    case "privileged":
      return { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false };
  }
}

/**
 * Whether a call of this risk needs a human approval unless the policy adds more.
 * @param risk - the tool's risk level
 * @returns true for every level that changes the host
 */
export function requiresConfirmationByDefault(risk: RiskLevel): boolean {
  return risk !== "read_only";
}
