import type { ConfigTarget, LogTarget, RiskLevel, Scope } from "@mc/core";
import type { PolicyDiagnostics } from "./policy-diagnostic.js";

/** What the policy says of one tool, defaults filled in. */
export interface ToolRule {
  /** Tool name. */
  name: string;
  /** The tool's registered risk level. */
  risk: RiskLevel;
  /** Whether the tool may run at all. */
  enabled: boolean;
  /** Whether every call needs a human approval (always true for a privileged tool). */
  requireConfirmation: boolean;
  /** Scopes a call may name; absent = any. */
  allowedScopes?: readonly Scope[];
  /** Shell-style globs a call's unit must match as a whole; absent = any unit. */
  servicePatterns?: readonly string[];
  /**
   * `timeout_s`: seconds the tool's action (a systemctl job, a config write's validator) may run
   * before it is stopped; absent = the tool's own default.
   */
  timeoutSeconds?: number;
}

/** Approval settings from the `[approvals]` table. */
export interface ApprovalSettings {
  /** Minutes a pending or approved request stays valid (1..1440, default 15). */
  expiryMinutes: number;
  /**
   * Risk levels whose approval an MCP client's elicitation prompt may carry (`[approvals]
   * allow_elicitation`; default none). The prompt is the client application's: listing a level
   * trusts that application to show it to a human. `true` in the file means `["mutating_safe"]`.
   */
  elicitationRiskLevels: readonly RiskLevel[];
}

/** A policy ready for decisions: loaded from a file, built from defaults, or failed closed. */
export interface LoadedPolicy {
  /** False when the file is present but does not load: then every tool is denied. */
  ok: boolean;
  /** `file` when a policy file was read (even a bad one), `defaults` when there is none. */
  source: "file" | "defaults";
  /** The policy file's path. */
  path: string;
  /** The first load error's message, when `ok` is false. */
  loadError?: string;
  /** Approval settings (defaults when the file has no `[approvals]` or does not load). */
  approvals: ApprovalSettings;
  /** Managed config targets, roots absolute; empty when the policy does not load. */
  configTargets: readonly ConfigTarget[];
  /** Log files `read_log_file` may read (`[[log_targets]]`), roots absolute; none by default or when the policy does not load. */
  logTargets: readonly LogTarget[];
  /** Rules for every known tool, by name; empty when the policy does not load. */
  tools: ReadonlyMap<string, ToolRule>;
  /** Errors and warnings for doctor. */
  diagnostics: PolicyDiagnostics;
  /** sha256 (hex) of the file's bytes, when a file was read. */
  sha256?: string;
}
