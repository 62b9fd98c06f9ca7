import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkPolicyFile } from "./check-policy-file.js";
import { decide } from "./decide.js";
import { loadPolicy } from "./load-policy.js";
import type { LoadedPolicy } from "./loaded-policy.js";
import { createPolicySource } from "./policy-source.js";
import { MC_TOOLS, tempDir } from "./test-support.js";

interface MalformedCase {
  /** What is wrong. */
  name: string;
  /** The policy text. */
  text: string;
  /** Expected location of the first error. */
  line: number;
  column: number;
  /** Expected key path of the first error (absent for TOML syntax errors). */
  keyPath?: string;
  /** Expected text after `file:line:column: keyPath: `. */
  detail: string;
}

const targetBody = 'roots = ["/srv/app"]\nfile_globs = ["*.ini"]\nvalidator = "ini_parse"\n';

const CASES: MalformedCase[] = [
  {
    name: "version other than 1",
    text: "version = 2\n",
    line: 1,
    column: 1,
    keyPath: "version",
    detail: "expected 1 (the only policy version), got integer 2",
  },
  { name: "version as a string", text: 'version = "1"\n', line: 1, column: 1, keyPath: "version", detail: 'expected 1 (the only policy version), got "1"' },
  {
    name: "version as a float",
    text: "version = 1.0\n",
    line: 1,
    column: 1,
    keyPath: "version",
    detail: "expected 1 (the only policy version), got float 1.0",
  },
  {
    name: "version as a date",
    text: "version = 1979-05-27\n",
    line: 1,
    column: 1,
    keyPath: "version",
    detail: expect.stringMatching(/^expected 1 \(the only policy version\), got date-time /),
  },
  { name: "version missing", text: "[approvals]\nexpiry_minutes = 15\n", line: 1, column: 1, keyPath: "version", detail: 'missing required key "version"' },
  {
    name: "unknown top-level key",
    text: "version = 1\nverbose = true\n",
    line: 2,
    column: 1,
    keyPath: "verbose",
    detail: 'unknown key "verbose" (allowed here: version, approvals, tools, config_targets, log_targets)',
  },
  {
    name: "unknown top-level table",
    text: "version = 1\n\n[logging]\nlevel = 1\n",
    line: 3,
    column: 1,
    keyPath: "logging",
    detail: 'unknown key "logging" (allowed here: version, approvals, tools, config_targets, log_targets)',
  },
  {
    name: "unknown tool",
    text: "version = 1\n[tools.reboot_host]\nenabled = true\n",
    line: 2,
    column: 1,
    keyPath: "tools.reboot_host",
    detail: `unknown tool "reboot_host"; known tools: ${MC_TOOLS.map((tool) => tool.name).join(", ")}`,
  },
  {
    name: "unknown key in a tool section",
    text: "version = 1\n[tools.restart_service]\nenable = true\n",
    line: 3,
    column: 1,
    keyPath: "tools.restart_service.enable",
    detail: 'unknown key "enable" (allowed here: enabled, require_confirmation, allowed_scopes, service_patterns, timeout_s)',
  },
  {
    name: "enabled as a string",
    text: 'version = 1\n[tools.system_info]\nenabled = "yes"\n',
    line: 3,
    column: 1,
    keyPath: "tools.system_info.enabled",
    detail: 'expected a boolean (true or false), got "yes"',
  },
  {
    name: "enabled as a table",
    text: "version = 1\n[tools.system_info]\nenabled.really = true\n",
    line: 3,
    column: 1,
    keyPath: "tools.system_info.enabled",
    detail: "expected a boolean (true or false), got a table",
  },
  {
    name: "confirmation removed from a privileged tool",
    text: "version = 1\n\n[tools.restart_service]\nrequire_confirmation = false\n",
    line: 4,
    column: 1,
    keyPath: "tools.restart_service.require_confirmation",
    detail: "restart_service is privileged: the policy may add confirmation, never remove it from a privileged tool (set true or leave the key out)",
  },
  {
    name: "confirmation removed from write_config_file",
    text: "version = 1\ntools.write_config_file.require_confirmation = false\n",
    line: 2,
    column: 25,
    keyPath: "tools.write_config_file.require_confirmation",
    detail: "write_config_file is privileged: the policy may add confirmation, never remove it from a privileged tool (set true or leave the key out)",
  },
  {
    name: "unknown scope",
    text: 'version = 1\n[tools.restart_service]\nallowed_scopes = ["system", "root"]\n',
    line: 3,
    column: 29,
    keyPath: "tools.restart_service.allowed_scopes[1]",
    detail: 'expected "system" or "user", got "root"',
  },
  {
    name: "allowed_scopes not an array",
    text: 'version = 1\n[tools.restart_service]\nallowed_scopes = "system"\n',
    line: 3,
    column: 1,
    keyPath: "tools.restart_service.allowed_scopes",
    detail: 'expected an array of "system" / "user", got "system"',
  },
  {
    name: "bad service glob",
    text: 'version = 1\n[tools.restart_service]\nservice_patterns = [\n  "nginx.service",\n  "app-[.service",\n]\n',
    line: 5,
    column: 3,
    keyPath: "tools.restart_service.service_patterns[1]",
    detail: 'glob "app-[.service" has an unclosed "[" at character 5',
  },
  {
    name: "service pattern of the wrong type",
    text: "version = 1\ntools = { reload_service = { service_patterns = [1] } }\n",
    line: 2,
    column: 50,
    keyPath: "tools.reload_service.service_patterns[0]",
    detail: "expected a glob string, got integer 1",
  },
  {
    name: "empty service pattern",
    text: 'version = 1\n[tools.reload_service]\nservice_patterns = [""]\n',
    line: 3,
    column: 21,
    keyPath: "tools.reload_service.service_patterns[0]",
    detail: "expected a glob string, got an empty string",
  },
  {
    name: "unknown key in approvals",
    text: "version = 1\n[approvals]\nexpiry = 5\n",
    line: 3,
    column: 1,
    keyPath: "approvals.expiry",
    detail: 'unknown key "expiry" (allowed here: expiry_minutes, allow_elicitation)',
  },
  {
    name: "expiry_minutes zero",
    text: "version = 1\n[approvals]\nexpiry_minutes = 0\n",
    line: 3,
    column: 1,
    keyPath: "approvals.expiry_minutes",
    detail: "expected an integer from 1 to 1440, got integer 0",
  },
  {
    name: "expiry_minutes too large",
    text: "version = 1\n[approvals]\nexpiry_minutes = 1441\n",
    line: 3,
    column: 1,
    keyPath: "approvals.expiry_minutes",
    detail: "expected an integer from 1 to 1440, got integer 1441",
  },
  {
    name: "expiry_minutes a float",
    text: "version = 1\n[approvals]\nexpiry_minutes = 2.5\n",
    line: 3,
    column: 1,
    keyPath: "approvals.expiry_minutes",
    detail: "expected an integer from 1 to 1440, got float 2.5",
  },
  {
    name: "allow_elicitation a string",
    text: 'version = 1\n[approvals]\nallow_elicitation = "no"\n',
    line: 3,
    column: 1,
    keyPath: "approvals.allow_elicitation",
    detail: 'expected a list of risk levels ("read_only", "mutating_safe", "privileged") or a boolean, got "no"',
  },
  {
    name: "allow_elicitation an unknown risk level",
    text: 'version = 1\n[approvals]\nallow_elicitation = ["mutating_safe", "root"]\n',
    line: 3,
    column: 1,
    keyPath: "approvals.allow_elicitation",
    detail: 'expected a list of risk levels ("read_only", "mutating_safe", "privileged"), got "root" in it',
  },
  { name: "approvals not a table", text: "version = 1\napprovals = 5\n", line: 2, column: 1, keyPath: "approvals", detail: "expected a table, got integer 5" },
  {
    name: "tool section as an array of tables",
    text: "version = 1\n[[tools.restart_service]]\nenabled = true\n",
    line: 2,
    column: 1,
    keyPath: "tools.restart_service",
    detail: "expected a table, got an array",
  },
  {
    name: "unknown key in a config target",
    text: `version = 1\n[[config_targets]]\nname = "app"\n${targetBody}globs = ["*.ini"]\n`,
    line: 7,
    column: 1,
    keyPath: "config_targets[0].globs",
    detail: 'unknown key "globs" (allowed here: name, description, roots, file_globs, validator, validator_command)',
  },
  {
    name: "unknown validator",
    text: 'version = 1\n[[config_targets]]\nname = "app"\nroots = ["/srv/app"]\nfile_globs = ["*.xml"]\nvalidator = "xml_parse"\n',
    line: 6,
    column: 1,
    keyPath: "config_targets[0].validator",
    detail: 'expected "ini_parse", "json_parse", "toml_parse" or "command", got "xml_parse"',
  },
  {
    name: "command validator without validator_command",
    text: 'version = 1\n[[config_targets]]\nname = "units"\nroots = ["/etc/systemd/system"]\nfile_globs = ["*.service"]\nvalidator = "command"\n',
    line: 6,
    column: 1,
    keyPath: "config_targets[0].validator",
    detail: 'validator = "command" needs validator_command, the argv to run (with "{path}" for the file)',
  },
  {
    name: "validator_command without the command validator",
    text: 'version = 1\n[[config_targets]]\nname = "app"\nroots = ["/srv/app"]\nfile_globs = ["*.json"]\nvalidator = "json_parse"\nvalidator_command = ["jq", ".", "{path}"]\n',
    line: 7,
    column: 1,
    keyPath: "config_targets[0].validator_command",
    detail: 'validator_command is only allowed with validator = "command", but validator is "json_parse"',
  },
  {
    name: "validator_command that never names the file",
    text: 'version = 1\n[[config_targets]]\nname = "units"\nroots = ["/etc/systemd/system"]\nfile_globs = ["*.service"]\nvalidator = "command"\nvalidator_command = ["true"]\n',
    line: 7,
    column: 1,
    keyPath: "config_targets[0].validator_command",
    detail: 'validator_command must pass the file to check: put "{path}" in one of its arguments',
  },
  {
    name: "duplicate target names",
    text: `version = 1\n\n[[config_targets]]\nname = "app"\n${targetBody}\n[[config_targets]]\nname = "app"\n${targetBody}`,
    line: 10,
    column: 1,
    keyPath: "config_targets[1].name",
    detail: 'duplicate target name "app": config_targets[0] already uses it',
  },
  {
    name: "bad file glob",
    text: 'version = 1\n[[config_targets]]\nname = "app"\nroots = ["/srv/app"]\nfile_globs = ["*.ini", "conf.d/[x"]\nvalidator = "ini_parse"\n',
    line: 5,
    column: 24,
    keyPath: "config_targets[0].file_globs[1]",
    detail: 'glob "conf.d/[x" has an unclosed "[" at character 8',
  },
  {
    name: "absolute file glob",
    text: 'version = 1\n[[config_targets]]\nname = "app"\nroots = ["/srv/app"]\nfile_globs = ["/etc/*.ini"]\nvalidator = "ini_parse"\n',
    line: 5,
    column: 15,
    keyPath: "config_targets[0].file_globs[0]",
    detail: 'file glob "/etc/*.ini" must be relative to the target\'s roots, not absolute',
  },
  {
    name: "file glob climbing out of its root",
    text: 'version = 1\n[[config_targets]]\nname = "app"\nroots = ["/srv/app"]\nfile_globs = ["../*.ini"]\nvalidator = "ini_parse"\n',
    line: 5,
    column: 15,
    keyPath: "config_targets[0].file_globs[0]",
    detail: 'file glob "../*.ini" may not have empty, "." or ".." segments',
  },
  {
    name: "no roots",
    text: 'version = 1\n[[config_targets]]\nname = "app"\nroots = []\nfile_globs = ["*.ini"]\nvalidator = "ini_parse"\n',
    line: 4,
    column: 1,
    keyPath: "config_targets[0].roots",
    detail: "expected at least one directory path, got an empty array",
  },
  {
    name: "root with an unknown variable",
    text: 'version = 1\n[[config_targets]]\nname = "app"\nroots = ["$HOME/app"]\nfile_globs = ["*.ini"]\nvalidator = "ini_parse"\n',
    line: 4,
    column: 10,
    keyPath: "config_targets[0].roots[0]",
    detail: 'root "$HOME/app": only a leading "$STATE_DIR" expands; no other "$" is allowed',
  },
  {
    name: "target without a name",
    text: `version = 1\n[[config_targets]]\n${targetBody}`,
    line: 2,
    column: 1,
    keyPath: "config_targets[0].name",
    detail: 'missing required key "name"',
  },
  {
    name: "target name with a space",
    text: `version = 1\n[[config_targets]]\nname = "my app"\n${targetBody}`,
    line: 3,
    column: 1,
    keyPath: "config_targets[0].name",
    detail: 'target name "my app" must be letters, digits, "_", "-" or "." (not first), at most 64 characters',
  },
  {
    name: "description not a string",
    text: `version = 1\n[[config_targets]]\nname = "app"\ndescription = 5\n${targetBody}`,
    line: 4,
    column: 1,
    keyPath: "config_targets[0].description",
    detail: "expected a string, got integer 5",
  },
  {
    name: "approvals as a date",
    text: "version = 1\napprovals = 2026-01-01\n",
    line: 2,
    column: 1,
    keyPath: "approvals",
    detail: expect.stringMatching(/^expected a table, got date-time /),
  },
  {
    name: "tool section as a float",
    text: "version = 1\n[tools]\nsystem_info = 1.5\n",
    line: 3,
    column: 1,
    keyPath: "tools.system_info",
    detail: "expected a table, got float 1.5",
  },
  {
    name: "config_targets a string",
    text: 'version = 1\nconfig_targets = "app"\n',
    line: 2,
    column: 1,
    keyPath: "config_targets",
    detail: 'expected an array of tables ([[config_targets]]), got "app"',
  },
  { name: "TOML: missing value", text: "version = 1\nverbose =\n", line: 2, column: 10, detail: "invalid TOML: invalid value" },
  {
    name: "TOML: duplicate key",
    text: "version = 1\nversion = 1\n",
    line: 2,
    column: 1,
    detail: "invalid TOML: trying to redefine an already defined table or value",
  },
  {
    name: "TOML: unclosed table header",
    text: "version = 1\n[tools.restart_service\nenabled = true\n",
    line: 2,
    column: 23,
    detail: expect.stringMatching(/^invalid TOML: /),
  },
  {
    name: "TOML: unterminated string",
    text: 'version = 1\n[tools.restart_service]\nservice_patterns = ["nginx.service]\n',
    line: 3,
    column: 36,
    detail: expect.stringMatching(/^invalid TOML: /),
  },
  { name: "TOML: bare word value", text: "version = 1\n[approvals]\nallow_elicitation = yes\n", line: 3, column: 21, detail: "invalid TOML: invalid value" },
];

function expectEveryToolDenied(policy: LoadedPolicy): void {
  const first = policy.diagnostics.errors[0]?.message;
  expect(first).toBeDefined();
  for (const tool of [...MC_TOOLS, { name: "not_registered", risk: "read_only" as const }]) {
    expect(decide(policy, { tool, scope: "system", unit: "nginx.service" })).toStrictEqual({
      allowed: false,
      code: "policy_load_error",
      reason: `Policy load error: ${first}`,
    });
  }
}

describe("loadPolicy with a malformed file", () => {
  it("should have at least 30 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)("should fail closed on: $name", (testCase) => {
    const directory = tempDir({ "policy.toml": testCase.text });
    const path = join(directory, "policy.toml");
    const policy = loadPolicy({ path, stateDir: join(directory, "state"), tools: MC_TOOLS });

    expect(policy.ok).toBe(false);
    expect(policy.source).toBe("file");
    expect(policy.configTargets).toStrictEqual([]);
    expect(policy.diagnostics.ok).toBe(false);
    expect(policy.diagnostics.source).toBe("file");
    const prefix = `${path}:${testCase.line}:${testCase.column}: ${testCase.keyPath === undefined ? "" : `${testCase.keyPath}: `}`;
    const first = policy.diagnostics.errors[0];
    expect(first).toEqual({
      message: typeof testCase.detail === "string" ? `${prefix}${testCase.detail}` : expect.stringMatching(/./),
      file: path,
      line: testCase.line,
      column: testCase.column,
      ...(testCase.keyPath === undefined ? {} : { keyPath: testCase.keyPath }),
    });
    expect(first?.message.startsWith(prefix)).toBe(true);
    expect(first?.message.slice(prefix.length)).toEqual(testCase.detail);
    expect(policy.loadError).toBe(first?.message);
    expectEveryToolDenied(policy);

    // The same file seen through the reloading source and through `mc policy check`.
    expectEveryToolDenied(createPolicySource({ path, stateDir: directory, tools: MC_TOOLS }).current());
    const checked = checkPolicyFile(path, { stateDir: directory, tools: MC_TOOLS });
    expect(checked.ok).toBe(false);
    expect(checked.errors[0]).toStrictEqual(first);
  });

  it("should fail closed on bytes that are not UTF-8", () => {
    const directory = tempDir({ "policy.toml": Buffer.from([0x76, 0x65, 0x72, 0xff, 0x0a]) });
    const path = join(directory, "policy.toml");
    const policy = loadPolicy({ path, stateDir: directory, tools: MC_TOOLS });
    expect(policy.diagnostics.errors).toStrictEqual([{ message: `${path}: the file is not valid UTF-8`, file: path }]);
    expectEveryToolDenied(policy);
  });

  it("should fail closed when the path is a directory", () => {
    const directory = tempDir({ "policy.toml/inner": "x" });
    const path = join(directory, "policy.toml");
    const policy = loadPolicy({ path, stateDir: directory, tools: MC_TOOLS });
    expect(policy.diagnostics.errors).toStrictEqual([{ message: `${path}: cannot read the policy file: it is a directory, not a regular file`, file: path }]);
    expectEveryToolDenied(policy);
    expectEveryToolDenied(createPolicySource({ path, stateDir: directory, tools: MC_TOOLS }).current());
  });

  it("should report every error in file order, not only the first", () => {
    const directory = tempDir({
      "policy.toml": 'version = 1\n[approvals]\nexpiry_minutes = 0\n[tools.restart_service]\nallowed_scopes = ["root"]\nenabled = "no"\n',
    });
    const path = join(directory, "policy.toml");
    const policy = loadPolicy({ path, stateDir: directory, tools: MC_TOOLS });
    expect(policy.diagnostics.errors.map((error) => `${error.line}:${error.column} ${error.keyPath}`)).toStrictEqual([
      "3:1 approvals.expiry_minutes",
      "5:19 tools.restart_service.allowed_scopes[0]",
      "6:1 tools.restart_service.enabled",
    ]);
  });
});
