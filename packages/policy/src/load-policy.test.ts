import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConfigTargets } from "./default-config-targets.js";
import { expandRoot, loadPolicy, loadPolicyBytes } from "./load-policy.js";
import { MC_TOOLS, tempDir } from "./test-support.js";

describe("loadPolicy", () => {
  it("should apply the safe defaults when the file is missing", () => {
    const directory = tempDir();
    const path = join(directory, "policy.toml");
    const policy = loadPolicy({ path, stateDir: join(directory, "state"), tools: MC_TOOLS });
    expect(policy.ok).toBe(true);
    expect(policy.source).toBe("defaults");
    expect(policy.diagnostics).toStrictEqual({ ok: true, source: "defaults", path, errors: [], warnings: [] });
    expect(policy.approvals).toStrictEqual({ expiryMinutes: 15, elicitationRiskLevels: [] });
    expect(Object.fromEntries([...policy.tools].map(([name, rule]) => [name, [rule.enabled, rule.requireConfirmation]]))).toStrictEqual({
      system_info: [true, false],
      disk_usage: [true, false],
      memory_usage: [true, false],
      top_processes: [true, false],
      process_to_unit: [true, false],
      failed_services: [true, false],
      service_status: [true, false],
      read_journal: [true, false],
      reload_service: [true, true],
      restart_service: [true, true],
      list_units: [true, false],
      list_timers: [true, false],
      unit_file: [true, false],
      start_service: [true, true],
      stop_service: [true, true],
      enable_service: [true, true],
      disable_service: [true, true],
      daemon_reload: [true, true],
      read_config_file: [true, false],
      write_config_file: [true, true],
      restore_config_backup: [true, true],
    });
    const managed = join(directory, "state", "managed-configs");
    expect(policy.configTargets).toStrictEqual([
      { name: "managed_ini", description: "INI files managed by mc", roots: [managed], fileGlobs: ["*.ini", "*.cfg"], validator: "ini_parse" },
      { name: "managed_json", description: "JSON files managed by mc", roots: [managed], fileGlobs: ["*.json"], validator: "json_parse" },
      {
        name: "systemd_unit",
        description: "systemd unit files of the system manager",
        roots: ["/etc/systemd/system"],
        fileGlobs: ["*.service", "*.timer"],
        validator: "command",
        validatorCommand: ["systemd-analyze", "verify", "--man=no", "--generators=no", "{path}"],
      },
    ]);
  });

  it("should read every key of a full policy", () => {
    const directory = tempDir({
      "etc/policy.toml": [
        "version = 1",
        "[approvals]",
        "expiry_minutes = 60",
        "allow_elicitation = true",
        "[tools.restart_service]",
        "enabled = true",
        "require_confirmation = true",
        'allowed_scopes = ["system", "user"]',
        'service_patterns = ["nginx.service", "app-*.service"]',
        "[tools.top_processes]",
        "enabled = false",
        "[[config_targets]]",
        'name = "app"',
        'description = "Application INI files"',
        'roots = ["$STATE_DIR/managed-configs", "/etc/myapp", "conf", "../shared/", "$STATE_DIR"]',
        'file_globs = ["*.ini", "conf.d/*.ini"]',
        'validator = "ini_parse"',
        "[[config_targets]]",
        'name = "units"',
        'roots = ["/etc/systemd/system"]',
        'file_globs = ["*.service"]',
        'validator = "command"',
        'validator_command = ["systemd-analyze", "verify", "{path}"]',
        "",
      ].join("\n"),
    });
    const stateDir = join(directory, "state");
    const policy = loadPolicy({ path: join(directory, "etc", "policy.toml"), stateDir, tools: MC_TOOLS });
    expect(policy.diagnostics.errors).toStrictEqual([]);
    expect(policy.ok).toBe(true);
    expect(policy.source).toBe("file");
    expect(policy.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(policy.approvals).toStrictEqual({ expiryMinutes: 60, elicitationRiskLevels: ["mutating_safe"] });
    expect(policy.tools.get("restart_service")).toStrictEqual({
      name: "restart_service",
      risk: "privileged",
      enabled: true,
      requireConfirmation: true,
      allowedScopes: ["system", "user"],
      servicePatterns: ["nginx.service", "app-*.service"],
    });
    expect(policy.tools.get("top_processes")).toStrictEqual({ name: "top_processes", risk: "read_only", enabled: false, requireConfirmation: false });
    expect(policy.configTargets).toStrictEqual([
      {
        name: "app",
        description: "Application INI files",
        roots: [join(stateDir, "managed-configs"), "/etc/myapp", join(directory, "etc", "conf"), join(directory, "shared"), stateDir],
        fileGlobs: ["*.ini", "conf.d/*.ini"],
        validator: "ini_parse",
      },
      {
        name: "units",
        description: "",
        roots: ["/etc/systemd/system"],
        fileGlobs: ["*.service"],
        validator: "command",
        validatorCommand: ["systemd-analyze", "verify", "{path}"],
      },
    ]);
  });

  it("should keep the default targets when the file declares none", () => {
    const directory = tempDir({ "policy.toml": "version = 1\n" });
    const policy = loadPolicy({ path: join(directory, "policy.toml"), stateDir: join(directory, "state"), tools: MC_TOOLS });
    expect(policy.configTargets).toStrictEqual(defaultConfigTargets(join(directory, "state")));
    expect(policy.diagnostics).toStrictEqual({ ok: true, source: "file", path: join(directory, "policy.toml"), errors: [], warnings: [] });
  });

  it("should use no targets at all for an explicit empty config_targets, and warn", () => {
    const directory = tempDir({ "policy.toml": "version = 1\nconfig_targets = []\n" });
    const path = join(directory, "policy.toml");
    const policy = loadPolicy({ path, stateDir: directory, tools: MC_TOOLS });
    expect(policy.configTargets).toStrictEqual([]);
    expect(policy.diagnostics.warnings).toStrictEqual([
      {
        message: `${path}:2:1: config_targets: config_targets is empty: no config file can be read or written`,
        file: path,
        line: 2,
        column: 1,
        keyPath: "config_targets",
      },
    ]);
  });

  it("should name a key written with quotes the way TOML writes it", () => {
    const policy = loadPolicyBytes('version = 1\n"my key" = 1\n', { path: "/etc/mc/policy.toml", stateDir: "/tmp", tools: MC_TOOLS });
    expect(policy.diagnostics.errors[0]?.message).toBe(
      `/etc/mc/policy.toml:2:1: "my key": unknown key "my key" (allowed here: version, approvals, tools, config_targets, log_targets)`,
    );
  });
});

describe("expandRoot", () => {
  it.each([
    ["$STATE_DIR", "/var/lib/mc"],
    ["$STATE_DIR/managed-configs", "/var/lib/mc/managed-configs"],
    ["$STATE_DIR/../x", "/var/lib/x"],
    ["/etc/myapp/", "/etc/myapp"],
    ["conf", "/etc/mc/conf"],
    ["./conf/../other", "/etc/mc/other"],
    ["$STATE_DIRX", "/etc/mc/$STATE_DIRX"],
  ])("should expand %j", (root, expected) => {
    expect(expandRoot(root, "/etc/mc/policy.toml", "/var/lib/mc")).toBe(expected);
  });
});
