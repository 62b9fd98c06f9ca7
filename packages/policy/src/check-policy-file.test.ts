import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPolicyFile } from "./check-policy-file.js";
import { MC_TOOLS, tempDir } from "./test-support.js";

describe("checkPolicyFile", () => {
  it("should report a missing file as an error, not as defaults", () => {
    const directory = tempDir();
    const path = join(directory, "absent.toml");
    expect(checkPolicyFile(path, { stateDir: directory, tools: MC_TOOLS })).toStrictEqual({
      ok: false,
      source: "file",
      path,
      errors: [{ message: `${path}: no such policy file (it was named explicitly; only the default policy path may be absent)`, file: path }],
      warnings: [],
    });
  });

  it("should report a good file as ok with its warnings", () => {
    const directory = tempDir({ "p.toml": 'version = 1\n[tools.restart_service]\nenabled = false\nallowed_scopes = ["system"]\n' });
    const result = checkPolicyFile(join(directory, "p.toml"), { stateDir: directory, tools: MC_TOOLS });
    expect(result.ok).toBe(true);
    expect(result.errors).toStrictEqual([]);
    expect(result.warnings.map((warning) => warning.keyPath)).toStrictEqual(["tools.restart_service.enabled"]);
  });

  it("should report every error of a bad file", () => {
    const directory = tempDir({ "p.toml": "version = 2\nextra = 1\n" });
    const path = join(directory, "p.toml");
    const result = checkPolicyFile(path, { stateDir: directory, tools: MC_TOOLS });
    expect(result.ok).toBe(false);
    expect(result.errors.map((error) => error.message)).toStrictEqual([
      `${path}:1:1: version: expected 1 (the only policy version), got integer 2`,
      `${path}:2:1: extra: unknown key "extra" (allowed here: version, approvals, tools, config_targets, log_targets)`,
    ]);
  });
});
