import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decide, toolStatus } from "./decide.js";
import { defaultPolicy, loadPolicy } from "./load-policy.js";
import type { LoadedPolicy } from "./loaded-policy.js";
import { MC_TOOLS, tempDir } from "./test-support.js";

const restart = { name: "restart_service", risk: "privileged" as const };
const reload = { name: "reload_service", risk: "mutating_safe" as const };
const status = { name: "service_status", risk: "read_only" as const };

function policyFrom(text: string): LoadedPolicy {
  const directory = tempDir({ "policy.toml": text });
  const policy = loadPolicy({ path: join(directory, "policy.toml"), stateDir: directory, tools: MC_TOOLS });
  expect(policy.diagnostics.errors).toStrictEqual([]);
  return policy;
}

describe("decide", () => {
  it("should allow every tool on the defaults, with confirmation for everything not read_only", () => {
    const policy = defaultPolicy({ path: "/nonexistent/policy.toml", stateDir: "/nonexistent/state", tools: MC_TOOLS });
    for (const tool of MC_TOOLS) {
      expect(decide(policy, { tool, scope: "system", unit: "nginx.service" })).toStrictEqual({
        allowed: true,
        requiresConfirmation: tool.risk !== "read_only",
      });
    }
  });

  it("should deny a tool the registry does not know with unknown_tool", () => {
    const policy = defaultPolicy({ path: "/nonexistent/policy.toml", stateDir: "/nonexistent/state", tools: [status] });
    expect(decide(policy, { tool: { name: "reboot_host", risk: "privileged" } })).toStrictEqual({
      allowed: false,
      code: "unknown_tool",
      reason: '"reboot_host" is not a known tool; known tools: service_status',
    });
  });

  it("should deny a disabled tool with tool_disabled before looking at scope or unit", () => {
    const policy = policyFrom('version = 1\n[tools.restart_service]\nenabled = false\nallowed_scopes = ["system"]\nservice_patterns = ["nginx.service"]\n');
    expect(decide(policy, { tool: restart, scope: "user", unit: "sshd.service" })).toStrictEqual({
      allowed: false,
      code: "tool_disabled",
      reason: `restart_service is disabled: enabled = false for [tools.restart_service] in ${policy.path}`,
    });
  });

  it("should deny a scope outside allowed_scopes with scope_not_allowed before looking at the unit", () => {
    const policy = policyFrom('version = 1\n[tools.restart_service]\nallowed_scopes = ["system"]\nservice_patterns = ["nginx.service"]\n');
    expect(decide(policy, { tool: restart, scope: "user", unit: "sshd.service" })).toStrictEqual({
      allowed: false,
      code: "scope_not_allowed",
      reason: `restart_service may not act in scope "user": it is not in allowed_scopes ["system"] in ${policy.path}`,
    });
    expect(decide(policy, { tool: restart, unit: "nginx.service" })).toStrictEqual({
      allowed: false,
      code: "scope_not_allowed",
      reason: `restart_service was called without a scope, but allowed_scopes ["system"] in ${policy.path} restricts it`,
    });
  });

  it("should deny a unit matching none of service_patterns with unit_not_allowed", () => {
    const policy = policyFrom('version = 1\n[tools.restart_service]\nservice_patterns = ["nginx.service", "app-*.service"]\n');
    expect(decide(policy, { tool: restart, scope: "system", unit: "sshd.service" })).toStrictEqual({
      allowed: false,
      code: "unit_not_allowed",
      reason: `restart_service may not act on unit "sshd.service": it matches none of service_patterns ["nginx.service", "app-*.service"] in ${policy.path}`,
    });
    expect(decide(policy, { tool: restart, scope: "system", unit: "app-web.service" })).toStrictEqual({ allowed: true, requiresConfirmation: true });
    expect(decide(policy, { tool: restart, scope: "user", unit: "nginx.service" })).toStrictEqual({ allowed: true, requiresConfirmation: true });
  });

  it("should deny a call without a unit when service_patterns restrict the tool", () => {
    const policy = policyFrom('version = 1\n[tools.read_journal]\nservice_patterns = ["nginx.service"]\n');
    expect(decide(policy, { tool: { name: "read_journal", risk: "read_only" }, scope: "system" })).toStrictEqual({
      allowed: false,
      code: "unit_not_allowed",
      reason: `read_journal was called without a unit, but service_patterns ["nginx.service"] in ${policy.path} restrict it to matching units`,
    });
  });

  it("should let the policy add confirmation to a read_only tool and remove it from a mutating_safe one", () => {
    const policy = policyFrom("version = 1\n[tools.service_status]\nrequire_confirmation = true\n[tools.reload_service]\nrequire_confirmation = false\n");
    expect(decide(policy, { tool: status, scope: "system", unit: "a.service" })).toStrictEqual({ allowed: true, requiresConfirmation: true });
    expect(decide(policy, { tool: reload, scope: "system", unit: "a.service" })).toStrictEqual({ allowed: true, requiresConfirmation: false });
  });

  it("should keep confirmation on a privileged tool whatever the section says", () => {
    const policy = policyFrom("version = 1\n[tools.restart_service]\nrequire_confirmation = true\n");
    expect(decide(policy, { tool: restart, scope: "system", unit: "a.service" })).toStrictEqual({ allowed: true, requiresConfirmation: true });
  });

  it("should require confirmation when a caller describes a tool as riskier than its registration", () => {
    const policy = policyFrom("version = 1\n");
    expect(decide(policy, { tool: { name: "service_status", risk: "mutating_safe" } })).toStrictEqual({ allowed: true, requiresConfirmation: true });
    expect(decide(policy, { tool: { name: "service_status", risk: "privileged" } })).toStrictEqual({ allowed: true, requiresConfirmation: true });
  });

  it("should leave tools without a section at their defaults", () => {
    const policy = policyFrom('version = 1\n[tools.restart_service]\nallowed_scopes = ["user"]\n');
    expect(decide(policy, { tool: reload, scope: "system", unit: "x.service" })).toStrictEqual({ allowed: true, requiresConfirmation: true });
    expect(decide(policy, { tool: status, scope: "system", unit: "x.service" })).toStrictEqual({ allowed: true, requiresConfirmation: false });
  });

  it("should match service patterns with brackets and question marks", () => {
    const policy = policyFrom('version = 1\n[tools.reload_service]\nservice_patterns = ["web[0-9].service", "getty@tty?.service"]\n');
    const allowed = (unit: string) => decide(policy, { tool: reload, scope: "system", unit }).allowed;
    expect(allowed("web1.service")).toBe(true);
    expect(allowed("web12.service")).toBe(false);
    expect(allowed("getty@tty1.service")).toBe(true);
    expect(allowed("getty@tty.service")).toBe(false);
  });

  it("should deny with policy_load_error before anything else, even an unknown tool", () => {
    const policy = loadPolicy({ path: join(tempDir({ "policy.toml": "version = 3\n" }), "policy.toml"), stateDir: "/tmp", tools: MC_TOOLS });
    expect(decide(policy, { tool: { name: "reboot_host", risk: "privileged" } })).toMatchObject({ allowed: false, code: "policy_load_error" });
  });
});

describe("toolStatus", () => {
  it("should say a read-only tool restricted by service_patterns and require_confirmation needs approval, as decide does", () => {
    const policy = policyFrom('version = 1\n[tools.service_status]\nservice_patterns = ["nginx.service"]\nrequire_confirmation = true\n');
    expect(toolStatus(policy, status)).toStrictEqual({
      enabled: true,
      requiresConfirmation: true,
      reason: `service_status needs a human approval: require_confirmation = true for [tools.service_status] in ${policy.path}; only units matching ["nginx.service"]`,
      servicePatterns: ["nginx.service"],
    });
    expect(decide(policy, { tool: status, unit: "nginx.service" })).toStrictEqual({ allowed: true, requiresConfirmation: true });
  });

  it("should report a disabled tool and a policy that does not load as not enabled, with decide's code and reason", () => {
    const disabled = policyFrom("version = 1\n[tools.restart_service]\nenabled = false\n");
    const status = toolStatus(disabled, restart);
    const denial = decide(disabled, { tool: restart, scope: "system", unit: "nginx.service" });
    expect(status).toMatchObject({ enabled: false, code: "tool_disabled", requiresConfirmation: true });
    expect(denial).toStrictEqual({ allowed: false, code: "tool_disabled", reason: status.reason });
  });

  it("should never need approval for a read-only tool the policy leaves alone, and always for a privileged one", () => {
    const policy = defaultPolicy({ path: "/nonexistent/policy.toml", stateDir: "/nonexistent/state", tools: MC_TOOLS });
    expect(toolStatus(policy, status)).toStrictEqual({ enabled: true, requiresConfirmation: false, reason: "service_status may run without approval" });
    expect(toolStatus(policy, restart)).toMatchObject({ enabled: true, requiresConfirmation: true });
    expect(toolStatus(policy, reload)).toMatchObject({ enabled: true, requiresConfirmation: true });
  });
});
