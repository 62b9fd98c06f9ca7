import { requiresConfirmationByDefault } from "@mc/core";
import { DEFAULT_APPROVALS } from "./policy-defaults.js";
import type { PolicyTool } from "./policy-tool.js";

/** What to put in a policy template. */
export interface PolicyTemplateOptions {
  /** Tools to write a section for (their current defaults); without it, only a commented example. */
  tools?: readonly PolicyTool[];
}

/**
 * A commented policy file that documents every key and, as written, reproduces the safe
 * defaults (it loads with zero errors). `mc policy init` writes it.
 * @param options - the tools to write sections for
 * @returns TOML text
 */
export function policyTemplate(options: PolicyTemplateOptions = {}): string {
  const lines: string[] = [
    "# mc policy. Every key is checked: an unknown key, a wrong type, an unknown tool or validator",
    "# is a load error, and while the file does not load EVERY tool is denied (it never falls back",
    "# to the defaults). Check a file with `mc policy check FILE`. Changes apply without a restart.",
    "# Without this file mc uses the safe defaults that this template spells out.",
    "",
    "# The file format version; 1 is the only one.",
    "version = 1",
    "",
    "# Approvals for calls that need a human's confirmation.",
    "[approvals]",
    `# Minutes a pending or approved request stays valid (1..1440; default ${DEFAULT_APPROVALS.expiryMinutes}).`,
    `expiry_minutes = ${DEFAULT_APPROVALS.expiryMinutes}`,
    "# Risk levels a human may approve in the MCP client's own prompt (elicitation) instead of with",
    "# `mc approvals approve`. That trusts the client application to show the prompt to a human and",
    '# not answer it itself. Default none; e.g. ["mutating_safe"]. "privileged" only if you mean it.',
    `allow_elicitation = ${JSON.stringify(DEFAULT_APPROVALS.elicitationRiskLevels)}`,
    "",
    "# One section per tool; a tool without a section keeps its defaults: enabled, and",
    "# confirmation required unless it is read_only. The keys of a section (all optional):",
    "#",
    "# [tools.restart_service]",
    "# enabled = true                       # false denies every call (code tool_disabled)",
    "# require_confirmation = true          # may add confirmation; never remove it from a privileged tool",
    '# allowed_scopes = ["system", "user"]  # a call in another scope is denied (scope_not_allowed)',
    '# service_patterns = ["nginx.service", "app-*.service"]',
    "#                                      # shell globs (* ? [a-z] [!a-z]) on the whole unit name; a",
    "#                                      # call naming another unit, or none, is denied (unit_not_allowed)",
    "# timeout_s = 190                      # 1..900 s the action may run (not on read-only tools); default",
    "#                                      # 100 s, restart 190 s (systemd's 90 s stop + 90 s start)",
  ];
  for (const tool of options.tools ?? []) {
    lines.push("", `[tools.${tool.name}]  # risk: ${tool.risk}`, "enabled = true");
    const confirmation = requiresConfirmationByDefault(tool.risk);
    lines.push(tool.risk === "privileged" ? "require_confirmation = true  # privileged: cannot be set to false" : `require_confirmation = ${confirmation}`);
  }
  lines.push(
    "",
    "# Config files the config tools may read and write. Declaring any [[config_targets]] REPLACES",
    "# the defaults below; with none declared, these three defaults apply.",
    "#   name               unique: letters, digits, _ - . (used in backup paths and audit)",
    "#   description        free text (optional)",
    '#   roots              directories; a leading "$STATE_DIR" expands to mc\'s state dir, a relative',
    "#                      path is relative to this file's directory",
    '#   file_globs         globs relative to a root; a segment never crosses "/" (e.g. "conf.d/*.ini")',
    '#   validator          "ini_parse", "json_parse", "toml_parse" or "command"',
    '#   validator_command  argv run to check new content, "{path}" standing for the file; only',
    '#                      (and always) with validator = "command"',
    "",
    "[[config_targets]]",
    'name = "managed_ini"',
    'description = "INI files managed by mc"',
    'roots = ["$STATE_DIR/managed-configs"]',
    'file_globs = ["*.ini", "*.cfg"]',
    'validator = "ini_parse"',
    "",
    "[[config_targets]]",
    'name = "managed_json"',
    'description = "JSON files managed by mc"',
    'roots = ["$STATE_DIR/managed-configs"]',
    'file_globs = ["*.json"]',
    'validator = "json_parse"',
    "",
    "[[config_targets]]",
    'name = "systemd_unit"',
    'description = "systemd unit files of the system manager"',
    'roots = ["/etc/systemd/system"]',
    'file_globs = ["*.service", "*.timer"]',
    'validator = "command"',
    "# --man=no: verify would otherwise run `man` on every Documentation= entry; --generators=no: nor",
    "# run the generators. Command validators run as uid 65534 with no network where mc can confine them.",
    'validator_command = ["systemd-analyze", "verify", "--man=no", "--generators=no", "{path}"]',
    "",
    "# Log files read_log_file may read (its last 1 MiB; grep is a plain substring). NONE by default:",
    "# until one is declared, every read_log_file call is refused. Keys as for [[config_targets]],",
    "# without validator. Keep roots and globs narrow (not /var/log with *: auth logs live there).",
    "# [[log_targets]]",
    '# name = "nginx"',
    '# description = "web server logs"',
    '# roots = ["/var/log/nginx"]',
    '# file_globs = ["access.log", "error.log"]',
    "",
  );
  return lines.join("\n");
}
