import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPolicy } from "./load-policy.js";
import { MC_TOOLS, tempDir } from "./test-support.js";

function warningsOf(text: string, setUp?: (directory: string) => void) {
  const directory = tempDir({ "policy.toml": text });
  setUp?.(directory);
  const path = join(directory, "policy.toml");
  const policy = loadPolicy({ path, stateDir: join(directory, "state"), tools: MC_TOOLS });
  expect(policy.ok).toBe(true);
  return { directory, path, warnings: policy.diagnostics.warnings.map((warning) => warning.message.slice(path.length + 1)) };
}

describe("policy warnings", () => {
  it("should warn about a root that does not exist or is not a directory, not about one that does", () => {
    const text =
      'version = 1\n[[config_targets]]\nname = "app"\nroots = ["missing", "present", "policy.toml"]\nfile_globs = ["*.ini"]\nvalidator = "ini_parse"\n';
    const { directory, warnings } = warningsOf(text, (directory) => mkdirSync(join(directory, "present")));
    expect(warnings).toStrictEqual([
      `4:10: config_targets[0].roots[0]: root ${join(directory, "missing")} does not exist: no file of target "app" can be found there`,
      `4:32: config_targets[0].roots[2]: root ${join(directory, "policy.toml")} is not a directory: no file of target "app" can be found there`,
    ]);
  });

  it("should read allow_elicitation as risk levels: true is mutating_safe only, with a warning; privileged only when listed, with a warning", () => {
    const load = (value: string) => {
      const directory = tempDir({ "policy.toml": `version = 1\n[approvals]\nallow_elicitation = ${value}\n` });
      const policy = loadPolicy({ path: join(directory, "policy.toml"), stateDir: directory, tools: MC_TOOLS });
      return {
        levels: policy.approvals.elicitationRiskLevels,
        warnings: policy.diagnostics.warnings.map((warning) => warning.message.replace(/^.*?: approvals/, "approvals")),
      };
    };
    expect(load("true")).toStrictEqual({
      levels: ["mutating_safe"],
      warnings: [
        'approvals.allow_elicitation: allow_elicitation = true means ["mutating_safe"]: a client\'s prompt may approve mutating_safe tools, never privileged ones; write the list to say which risk levels you mean',
      ],
    });
    expect(load("false")).toStrictEqual({ levels: [], warnings: [] });
    expect(load("[]")).toStrictEqual({ levels: [], warnings: [] });
    expect(load('["mutating_safe", "mutating_safe"]')).toStrictEqual({ levels: ["mutating_safe"], warnings: [] });
    expect(load('["mutating_safe", "privileged"]')).toStrictEqual({
      levels: ["mutating_safe", "privileged"],
      warnings: [
        "approvals.allow_elicitation: a client's prompt may approve privileged tools: the MCP client application, not mc, decides whether a human sees that prompt",
      ],
    });
  });

  it("should warn about scopes and patterns on a disabled tool", () => {
    const { warnings } = warningsOf('version = 1\n[tools.restart_service]\nenabled = false\nservice_patterns = ["a.service"]\n');
    expect(warnings).toStrictEqual([
      "3:1: tools.restart_service.enabled: restart_service is disabled, so its allowed_scopes / service_patterns have no effect",
    ]);
  });

  it("should warn about service patterns that can never match a unit name", () => {
    const { warnings } = warningsOf(
      'version = 1\n[tools.reload_service]\nservice_patterns = ["nginx", "my app.service", "*.servce", "app-*.service", "web?.*", "sshd.service", "-x.service"]\n',
    );
    expect(warnings).toStrictEqual([
      '3:21: tools.reload_service.service_patterns[0]: pattern "nginx" can never match a valid unit name: it does not end with a unit type suffix (.service, .socket, .target, .timer, .mount, .automount, .swap, .path, .slice, .scope, .device)',
      '3:30: tools.reload_service.service_patterns[1]: pattern "my app.service" can never match a valid unit name: it contains " ", which no unit name contains',
      '3:48: tools.reload_service.service_patterns[2]: pattern "*.servce" can never match a valid unit name: its fixed ending ".servce" is not the end of any unit type suffix',
      '3:103: tools.reload_service.service_patterns[6]: pattern "-x.service" can never match a valid unit name: it is not a valid unit name',
    ]);
  });

  it("should warn about empty scope and pattern lists and about **", () => {
    const { warnings } = warningsOf(
      'version = 1\n[tools.restart_service]\nallowed_scopes = []\nservice_patterns = []\n[[config_targets]]\nname = "x"\nroots = ["/"]\nfile_globs = ["**.ini"]\nvalidator = "ini_parse"\n',
    );
    expect(warnings).toStrictEqual([
      "3:1: tools.restart_service.allowed_scopes: allowed_scopes is empty: every call of restart_service that names a scope is denied",
      "4:1: tools.restart_service.service_patterns: service_patterns is empty: every call of restart_service is denied",
      '8:15: config_targets[0].file_globs[0]: glob "**.ini": "**" is two "*" here; a glob segment never crosses "/"',
    ]);
  });
});
