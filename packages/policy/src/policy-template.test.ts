import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPolicyFile } from "./check-policy-file.js";
import { decide } from "./decide.js";
import { defaultPolicy, loadPolicy } from "./load-policy.js";
import { policyTemplate } from "./policy-template.js";
import { MC_TOOLS, tempDir } from "./test-support.js";

describe("policyTemplate", () => {
  it("should load with zero errors and zero warnings when the state dir exists", () => {
    const directory = tempDir();
    const stateDir = join(directory, "state");
    mkdirSync(join(stateDir, "managed-configs"), { recursive: true });
    const path = join(stateDir, "policy.toml");
    writeFileSync(path, policyTemplate({ tools: MC_TOOLS }));
    const policy = loadPolicy({ path, stateDir, tools: MC_TOOLS });
    expect(policy.diagnostics.errors).toStrictEqual([]);
    // /etc/systemd/system is absent on some hosts; only that root may warn.
    expect(policy.diagnostics.warnings.filter((warning) => !warning.message.includes("/etc/systemd/system"))).toStrictEqual([]);
    expect(checkPolicyFile(path, { stateDir, tools: MC_TOOLS }).ok).toBe(true);
  });

  it("should spell out exactly the safe defaults", () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    writeFileSync(path, policyTemplate({ tools: MC_TOOLS }));
    const fromTemplate = loadPolicy({ path, stateDir: directory, tools: MC_TOOLS });
    const defaults = defaultPolicy({ path, stateDir: directory, tools: MC_TOOLS });
    expect(fromTemplate.approvals).toStrictEqual(defaults.approvals);
    expect(fromTemplate.configTargets).toStrictEqual(defaults.configTargets);
    expect(fromTemplate.tools).toStrictEqual(defaults.tools);
    for (const tool of MC_TOOLS) {
      const call = { tool, scope: "user", unit: "x.service" };
      expect(decide(fromTemplate, call)).toStrictEqual(decide(defaults, call));
    }
  });

  it("should load without any tool sections when no tools are given", () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    writeFileSync(path, policyTemplate());
    expect(policyTemplate()).not.toMatch(/^\[tools\./m);
    expect(loadPolicy({ path, stateDir: directory, tools: [] }).diagnostics.errors).toStrictEqual([]);
  });

  it("should document every key of the format", () => {
    const text = policyTemplate();
    for (const key of [
      "version",
      "expiry_minutes",
      "allow_elicitation",
      "enabled",
      "require_confirmation",
      "allowed_scopes",
      "service_patterns",
      "name",
      "description",
      "roots",
      "file_globs",
      "validator",
      "validator_command",
      "$STATE_DIR",
    ]) {
      expect(text).toContain(key);
    }
  });
});
