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
 * What the policy says of a tool before any call's arguments are known: whether it may run at
 * all, whether every call needs a human approval, and the restrictions a call must meet. `mc
 * tools`, `tools/list` and every call read the tool's confirmation rule from here, so they can
 * never disagree about it.
 */
export type ToolStatus =
  | {
      /** The policy lets the tool run (a call may still be refused by a restriction below). */
      enabled: true;
      /** Whether every call needs a human approval first (from the risk, or added by the policy). */
      requiresConfirmation: boolean;
      /** Why, for humans: the confirmation rule and the restrictions. */
      reason: string;
      /** Scopes a call must name (`allowed_scopes`); absent = any. */
      allowedScopes?: readonly string[];
      /** Globs a call's unit must match (`service_patterns`); absent = any (or none). */
      servicePatterns?: readonly string[];
    }
  | {
      /** No call of this tool can run under this policy. */
      enabled: false;
      /** Why, for programs: `policy_load_error`, `unknown_tool` or `tool_disabled`. */
      code: DenialCode;
      /** Why, for humans. */
      reason: string;
      /** Whether a call would need a human approval if the tool were allowed: from its risk. */
      requiresConfirmation: boolean;
    };

/**
 * A tool's status under a policy: the one place that says whether a tool is enabled and needs
 * approval. `decide` starts from it and only adds the checks of a call's scope and unit.
 * @param policy - the policy in force
 * @param tool - the tool (with its risk)
 * @returns enabled (with confirmation and restrictions), or disabled with a code and a reason
 */
export function toolStatus(policy: LoadedPolicy, tool: PolicyTool): ToolStatus {
  const name = tool.name;
  const riskDefault = tool.risk !== "read_only";
  if (!policy.ok) {
    return {
      enabled: false,
      code: "policy_load_error",
      reason: `Policy load error: ${policy.loadError ?? "the policy file does not load"}`,
      requiresConfirmation: riskDefault,
    };
  }
  const rule = policy.tools.get(name);
  if (rule === undefined) {
    const known = [...policy.tools.keys()];
    return {
      enabled: false,
      code: "unknown_tool",
      reason: `${JSON.stringify(name)} is not a known tool; known tools: ${known.join(", ") || "(none)"}`,
      requiresConfirmation: riskDefault,
    };
  }
  const where = policy.source === "file" ? ` in ${policy.path}` : "";
  if (!rule.enabled) {
    return {
      enabled: false,
      code: "tool_disabled",
      reason: `${name} is disabled: enabled = false for [tools.${name}]${where}`,
      requiresConfirmation: riskDefault || rule.requireConfirmation,
    };
  }
  // A caller describing the tool as riskier than its registration still gets the stricter rule.
  const requiresConfirmation = rule.requireConfirmation || tool.risk === "privileged" || (tool.risk !== rule.risk && tool.risk !== "read_only");
  const because = !requiresConfirmation
    ? `${name} may run without approval`
    : rule.requireConfirmation && rule.risk === "read_only"
      ? `${name} needs a human approval: require_confirmation = true for [tools.${name}]${where}`
      : `${name} needs a human approval: its risk is ${tool.risk}`;
  const limits = [
    rule.allowedScopes === undefined ? undefined : `scopes ${list(rule.allowedScopes)}`,
    rule.servicePatterns === undefined ? undefined : `units matching ${list(rule.servicePatterns)}`,
  ].filter((text) => text !== undefined);
  return {
    enabled: true,
    requiresConfirmation,
    reason: limits.length === 0 ? because : `${because}; only ${limits.join(" and ")}`,
    ...(rule.allowedScopes === undefined ? {} : { allowedScopes: rule.allowedScopes }),
    ...(rule.servicePatterns === undefined ? {} : { servicePatterns: rule.servicePatterns }),
  };
}

/**
 * Decides a call, in this order: load error → unknown tool → `enabled = false` → scope not in
 * `allowed_scopes` → unit not matching `service_patterns` → confirmation. The first three and the
 * confirmation rule are the tool's `toolStatus`; only the scope and unit checks look at the call.
 * @param policy - the policy in force
 * @param call - the tool (with its risk), and the scope and unit the call names
 * @returns allowed (with whether approval is needed), or denied with a code and a reason
 */
export function decide(policy: LoadedPolicy, call: PolicyCall): PolicyDecision {
  const name = call.tool.name;
  const status = toolStatus(policy, call.tool);
  if (!status.enabled) return { allowed: false, code: status.code, reason: status.reason };
  const where = policy.source === "file" ? ` in ${policy.path}` : "";
  if (status.allowedScopes !== undefined) {
    if (call.scope === undefined) {
      return {
        allowed: false,
        code: "scope_not_allowed",
        reason: `${name} was called without a scope, but allowed_scopes ${list(status.allowedScopes)}${where} restricts it`,
      };
    }
    if (!status.allowedScopes.includes(call.scope)) {
      return {
        allowed: false,
        code: "scope_not_allowed",
        reason: `${name} may not act in scope ${JSON.stringify(call.scope)}: it is not in allowed_scopes ${list(status.allowedScopes)}${where}`,
      };
    }
  }
  if (status.servicePatterns !== undefined) {
    if (call.unit === undefined) {
      return {
        allowed: false,
        code: "unit_not_allowed",
        reason: `${name} was called without a unit, but service_patterns ${list(status.servicePatterns)}${where} restrict it to matching units`,
      };
    }
    const unit = call.unit;
    if (
      !status.servicePatterns.some((pattern) => {
        const glob = compiled(pattern);
        return glob !== undefined && matchGlob(glob, unit);
      })
    ) {
      return {
        allowed: false,
        code: "unit_not_allowed",
        reason: `${name} may not act on unit ${JSON.stringify(unit)}: it matches none of service_patterns ${list(status.servicePatterns)}${where}`,
      };
    }
  }
  return { allowed: true, requiresConfirmation: status.requiresConfirmation };
}
