import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPolicy } from "./load-policy.js";
import { MC_TOOLS, tempDir } from "./test-support.js";

/**
 * Loads a policy file with the given body.
 * @param body - TOML after `version = 1`
 * @returns the loaded policy
 */
function load(body: string) {
  const directory = tempDir();
  const path = join(directory, "policy.toml");
  writeFileSync(path, `version = 1\n${body}`);
  return loadPolicy({ path, stateDir: join(directory, "state"), tools: MC_TOOLS });
}

describe("[tools.NAME] timeout_s", () => {
  it("should leave every tool on its own default when absent", () => {
    const policy = load("[tools.restart_service]\nenabled = true\n");
    expect([...policy.tools.values()].filter((rule) => rule.timeoutSeconds !== undefined)).toStrictEqual([]);
  });

  it("should carry the bounds and values in between to the tool's rule", () => {
    const policy = load(
      ["[tools.restart_service]", "timeout_s = 1", "[tools.stop_service]", "timeout_s = 900", "[tools.write_config_file]", "timeout_s = 30", ""].join("\n"),
    );
    expect(policy.ok).toBe(true);
    expect(policy.tools.get("restart_service")?.timeoutSeconds).toBe(1);
    expect(policy.tools.get("stop_service")?.timeoutSeconds).toBe(900);
    expect(policy.tools.get("write_config_file")?.timeoutSeconds).toBe(30);
    expect(policy.tools.get("reload_service")?.timeoutSeconds).toBeUndefined();
  });

  it.each([
    ["0", "expected an integer number of seconds from 1 to 900, got integer 0"],
    ["901", "expected an integer number of seconds from 1 to 900, got integer 901"],
    ["-5", "expected an integer number of seconds from 1 to 900, got integer -5"],
    ["1.5", "expected an integer number of seconds from 1 to 900, got float 1.5"],
    ["inf", "expected an integer number of seconds from 1 to 900"],
    ["nan", "expected an integer number of seconds from 1 to 900"],
    ['"90"', 'expected an integer number of seconds from 1 to 900, got "90"'],
    ["true", "expected an integer number of seconds from 1 to 900, got boolean true"],
    ["[90]", "expected an integer number of seconds from 1 to 900"],
  ])("should refuse timeout_s = %s and deny every tool", (value, message) => {
    const policy = load(`[tools.restart_service]\ntimeout_s = ${value}\n`);
    expect(policy.ok).toBe(false);
    expect(policy.tools.size).toBe(0);
    expect(policy.loadError).toContain("tools.restart_service.timeout_s");
    expect(policy.loadError).toContain(message);
  });

  it("should refuse timeout_s on a read-only tool, whose queries have fixed limits", () => {
    const policy = load("[tools.service_status]\ntimeout_s = 30\n");
    expect(policy.ok).toBe(false);
    expect(policy.loadError).toContain("timeout_s applies to actions and validators; service_status is read-only");
  });
});
