import { requiresConfirmationByDefault } from "@mc/core";
import type { ApprovalSettings, ToolRule } from "./loaded-policy.js";
import type { PolicyTool } from "./policy-tool.js";

/** Approval settings when the policy says nothing: 15 minutes, no elicitation. */
export const DEFAULT_APPROVALS: Readonly<ApprovalSettings> = Object.freeze({ expiryMinutes: 15, allowElicitation: false });

/**
 * The rule a tool gets when the policy has no section for it: enabled, confirmation from its risk.
 * @param tool - the tool
 * @returns its default rule
 */
export function defaultToolRule(tool: PolicyTool): ToolRule {
  return { name: tool.name, risk: tool.risk, enabled: true, requireConfirmation: requiresConfirmationByDefault(tool.risk) };
}
