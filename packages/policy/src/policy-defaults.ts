import { requiresConfirmationByDefault, type RiskLevel } from "@mc/core";
import type { ApprovalSettings, ToolRule } from "./loaded-policy.js";
import type { PolicyTool } from "./policy-tool.js";

/** Approval settings when the policy says nothing: 15 minutes, no elicitation. */
export const DEFAULT_APPROVALS: Readonly<ApprovalSettings> = Object.freeze({ expiryMinutes: 15, elicitationRiskLevels: Object.freeze([]) });

/** What `allow_elicitation = true` means: the safe mutations, never a privileged tool. */
export const ELICITATION_TRUE_RISK_LEVELS: readonly RiskLevel[] = Object.freeze(["mutating_safe"]);

/**
 * The risk levels an `allow_elicitation` setting allows. `true` was the only way to allow
 * elicitation before the list, and keeps the safe meaning.
 * @param setting - the key's value, if present
 * @returns the risk levels, without duplicates
 */
export function elicitationRiskLevels(setting: boolean | readonly RiskLevel[] | undefined): readonly RiskLevel[] {
  if (setting === undefined) return DEFAULT_APPROVALS.elicitationRiskLevels;
  if (typeof setting === "boolean") return setting ? ELICITATION_TRUE_RISK_LEVELS : [];
  return [...new Set(setting)];
}

/**
 * The rule a tool gets when the policy has no section for it: enabled, confirmation from its risk.
 * @param tool - the tool
 * @returns its default rule
 */
export function defaultToolRule(tool: PolicyTool): ToolRule {
  return { name: tool.name, risk: tool.risk, enabled: true, requireConfirmation: requiresConfirmationByDefault(tool.risk) };
}
