import type { DenialCode } from "@mc/core";
import { compileGlob, matchGlob, type CompiledGlob } from "@mc/core";
import type { LoadedPolicy } from "./loaded-policy.js";
import type { PolicyTool } from "./policy-tool.js";

/** One tool call, as far as the policy cares. */
export interface PolicyCall {
  /** The tool and its risk level. */
  tool: PolicyTool;
  /** The scope the call acts in (`system` / `user`), when the tool takes one. */
  scope?: string;
  /** The unit the call acts on, when the tool takes one. */
  unit?: string;
}

/** The policy's answer for a call. */
export type PolicyDecision =
  | {
      /** The call may go ahead. */
      allowed: true;
      /** Whether a human must approve it first (from the risk, or added by the policy). */
      requiresConfirmation: boolean;
    }
  | {
      /** The call is refused. */
      allowed: false;
      /** Why, for programs. */
      code: DenialCode;
      /** Why, for humans: names the tool, the value and the rule. */
      reason: string;
    };

const compiledPatterns = new Map<string, CompiledGlob | undefined>();

function compiled(pattern: string): CompiledGlob | undefined {
  if (!compiledPatterns.has(pattern)) {
    const result = compileGlob(pattern);
    compiledPatterns.set(pattern, result.ok ? result.glob : undefined);
  }
  return compiledPatterns.get(pattern);
}

function list(values: readonly string[]): string {
  return `[${values.map((value) => JSON.stringify(value)).join(", ")}]`;
}

/**
 * Decides a call, in this order: load error → unknown tool → `enabled = false` → scope not in
 * `allowed_scopes` → unit not matching `service_patterns` → confirmation.
 * @param policy - the policy in force
 * @param call - the tool (with its risk), and the scope and unit the call names
 * @returns allowed (with whether approval is needed), or denied with a code and a reason
 */
export function decide(policy: LoadedPolicy, call: PolicyCall): PolicyDecision {
  const name = call.tool.name;
  if (!policy.ok) {
    return { allowed: false, code: "policy_load_error", reason: `Policy load error: ${policy.loadError ?? "the policy file does not load"}` };
  }
  const rule = policy.tools.get(name);
  if (rule === undefined) {
    const known = [...policy.tools.keys()];
    return { allowed: false, code: "unknown_tool", reason: `${JSON.stringify(name)} is not a known tool; known tools: ${known.join(", ") || "(none)"}` };
  }
  const where = policy.source === "file" ? ` in ${policy.path}` : "";
  if (!rule.enabled) {
    return { allowed: false, code: "tool_disabled", reason: `${name} is disabled: enabled = false for [tools.${name}]${where}` };
  }
  if (rule.allowedScopes !== undefined) {
    if (call.scope === undefined) {
      return {
        allowed: false,
        code: "scope_not_allowed",
        reason: `${name} was called without a scope, but allowed_scopes ${list(rule.allowedScopes)}${where} restricts it`,
      };
    }
    if (!(rule.allowedScopes as readonly string[]).includes(call.scope)) {
      return {
        allowed: false,
        code: "scope_not_allowed",
        reason: `${name} may not act in scope ${JSON.stringify(call.scope)}: it is not in allowed_scopes ${list(rule.allowedScopes)}${where}`,
      };
    }
  }
  if (rule.servicePatterns !== undefined) {
    if (call.unit === undefined) {
      return {
        allowed: false,
        code: "unit_not_allowed",
        reason: `${name} was called without a unit, but service_patterns ${list(rule.servicePatterns)}${where} restrict it to matching units`,
      };
    }
    const unit = call.unit;
    if (!rule.servicePatterns.some((pattern) => {
      const glob = compiled(pattern);
      return glob !== undefined && matchGlob(glob, unit);
    })) {
      return {
        allowed: false,
        code: "unit_not_allowed",
        reason: `${name} may not act on unit ${JSON.stringify(unit)}: it matches none of service_patterns ${list(rule.servicePatterns)}${where}`,
      };
    }
  }
  // A caller describing the tool as riskier than its registration still gets the stricter rule.
  const requiresConfirmation = rule.requireConfirmation || call.tool.risk === "privileged" || (call.tool.risk !== rule.risk && call.tool.risk !== "read_only");
  return { allowed: true, requiresConfirmation };
}
