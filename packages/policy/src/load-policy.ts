import { createHash } from "node:crypto";
import type { BigIntStats } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { errorMessage, type ConfigTarget, type LogTarget } from "@mc/core";
import * as v from "valibot";
import { defaultConfigTargets } from "./default-config-targets.js";
import { formatKeyPath, type KeyPath } from "./key-path.js";
import type { LoadedPolicy, ToolRule } from "./loaded-policy.js";
import { DEFAULT_APPROVALS, defaultToolRule, elicitationRiskLevels } from "./policy-defaults.js";
import type { PolicyDiagnostic } from "./policy-diagnostic.js";
import { allowedKeys, createPolicySchema, type PolicyDocument } from "./policy-schema.js";
import type { PolicyTool } from "./policy-tool.js";
import { policyWarnings } from "./policy-warnings.js";
import { readPolicyFile } from "./read-policy-file.js";
import { createSourceLocator } from "./source-locator.js";
import { parseToml } from "./toml.js";

/** Where a policy lives and what it may name. */
export interface LoadPolicyOptions {
  /** The policy file (absolute, or relative to the process's working directory). */
  path: string;
  /** mc's state dir: `$STATE_DIR` in roots expands to it, default targets live under it. */
  stateDir: string;
  /** Every tool the policy may name, with its risk (the runtime's registry). */
  tools: readonly PolicyTool[];
  /**
   * The path was named explicitly (MC_POLICY_PATH, --policy, a runtime option): then it must
   * exist, and a missing file is a load error. Default false: only the default path may be absent.
   */
  explicit?: boolean;
}

/**
 * The policy that applies when there is no policy file: every tool enabled, confirmation from
 * its risk, the default config targets and approval settings.
 * @param options - path, state dir and tools
 * @returns a policy with source `defaults`
 */
export function defaultPolicy(options: LoadPolicyOptions): LoadedPolicy {
  const path = resolve(options.path);
  return {
    ok: true,
    source: "defaults",
    path,
    approvals: { ...DEFAULT_APPROVALS },
    configTargets: defaultConfigTargets(options.stateDir),
    logTargets: [],
    tools: new Map(options.tools.map((tool) => [tool.name, defaultToolRule(tool)])),
    diagnostics: { ok: true, source: "defaults", path, errors: [], warnings: [] },
  };
}

/**
 * A policy that denies every tool, because its file is present but does not load.
 * @param path - the policy file
 * @param errors - the load errors (at least one)
 * @param sha256 - hash of the bytes read, if any
 * @returns a failed-closed policy
 */
export function failedPolicy(path: string, errors: PolicyDiagnostic[], sha256?: string): LoadedPolicy {
  const first = errors[0]?.message ?? `${path}: the policy could not be loaded`;
  return {
    ok: false,
    source: "file",
    path,
    loadError: first,
    approvals: { ...DEFAULT_APPROVALS },
    configTargets: [],
    logTargets: [],
    tools: new Map(),
    diagnostics: { ok: false, source: "file", path, errors: errors.length > 0 ? errors : [{ message: first, file: path }], warnings: [] },
    ...(sha256 === undefined ? {} : { sha256 }),
  };
}

/**
 * Reads and loads the policy file once. A missing file gives the safe defaults (a load error when
 * `options.explicit`); a file that is no regular file, is over 1 MiB (`MAX_POLICY_BYTES`), changes
 * while being read, cannot be read or does not pass every check gives a policy that denies every
 * tool. Never blocks on a FIFO or device, never throws for anything wrong with the file.
 * To follow a file that changes, use `createPolicySource`, which also waits for a rewrite to settle.
 * @param options - path, state dir, tools, and whether the path was named explicitly
 * @returns the loaded policy
 */
export function loadPolicy(options: LoadPolicyOptions): LoadedPolicy {
  const path = resolve(options.path);
  const read = readPolicyFile(path, { explicit: options.explicit === true });
  if (read.kind === "absent") return defaultPolicy(options);
  if (read.kind === "refused") return failedPolicy(path, [read.diagnostic]);
  if (!sameStat(read.before, read.after) || BigInt(read.bytes.length) !== read.after.size) {
    return failedPolicy(path, [{ message: `${path}: the policy file changed while it was read; try again once it is written`, file: path }]);
  }
  return loadPolicyBytes(read.bytes, options);
}

function sameStat(before: BigIntStats, after: BigIntStats): boolean {
  return before.ino === after.ino && before.size === after.size && before.mtimeNs === after.mtimeNs && before.ctimeNs === after.ctimeNs;
}

/**
 * Loads policy text as if read from `options.path` (used for files and for tests of the template).
 * @param text - TOML text (a Buffer is decoded as strict UTF-8)
 * @param options - path (for messages and relative roots), state dir and tools
 * @returns the loaded policy, source `file`
 */
export function loadPolicyBytes(text: Buffer | string, options: LoadPolicyOptions): LoadedPolicy {
  const path = resolve(options.path);
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  try {
    return loadChecked(bytes, sha256, path, options);
  } catch (error) {
    // A bug here must still fail closed: never an exception out of the loader, never defaults.
    return failedPolicy(path, [{ message: `${path}: internal error while loading the policy: ${errorMessage(error)}`, file: path }], sha256);
  }
}

function loadChecked(bytes: Buffer, sha256: string, path: string, options: LoadPolicyOptions): LoadedPolicy {
  let source: string;
  try {
    source = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return failedPolicy(path, [{ message: `${path}: the file is not valid UTF-8`, file: path }], sha256);
  }

  const parsed = parseToml(source);
  if (!parsed.ok) {
    return failedPolicy(
      path,
      [{ message: `${path}:${parsed.line}:${parsed.column}: ${parsed.message}`, file: path, line: parsed.line, column: parsed.column }],
      sha256,
    );
  }

  const checked = v.safeParse(createPolicySchema(options.tools), parsed.value);
  if (!checked.success) {
    const locator = createSourceLocator(source);
    const errors = checked.issues.map((issue) => {
      const keyPath: KeyPath = (issue.path ?? []).map((item) => item.key as string | number);
      const { line, column } = locator.locate(keyPath);
      const formatted = formatKeyPath(keyPath);
      return { message: `${path}:${line}:${column}: ${formatted}: ${issueText(issue, keyPath, options.tools)}`, file: path, line, column, keyPath: formatted };
    });
    // In file order, so the first error (the one every denial quotes) is the first in the file.
    errors.sort((left, right) => left.line - right.line || left.column - right.column);
    return failedPolicy(path, errors, sha256);
  }

  const document = checked.output;
  const policy: LoadedPolicy = {
    ok: true,
    source: "file",
    path,
    approvals: {
      expiryMinutes: document.approvals?.expiry_minutes ?? DEFAULT_APPROVALS.expiryMinutes,
      elicitationRiskLevels: elicitationRiskLevels(document.approvals?.allow_elicitation),
    },
    configTargets: document.config_targets === undefined ? defaultConfigTargets(options.stateDir) : configTargets(document, path, options.stateDir),
    logTargets: logTargets(document, path, options.stateDir),
    tools: toolRules(document, options.tools),
    diagnostics: { ok: true, source: "file", path, errors: [], warnings: [] },
    sha256,
  };
  const locator = createSourceLocator(source);
  policy.diagnostics.warnings = policyWarnings(document, policy).map(({ keyPath, message }) => {
    const { line, column } = locator.locate(keyPath);
    const formatted = formatKeyPath(keyPath);
    return { message: `${path}:${line}:${column}: ${formatted}: ${message}`, file: path, line, column, keyPath: formatted };
  });
  return policy;
}

function issueText(issue: v.BaseIssue<unknown>, keyPath: KeyPath, tools: readonly PolicyTool[]): string {
  if (issue.type === "strict_object" && issue.expected === "never") {
    const key = String(issue.input);
    if (keyPath.length === 2 && keyPath[0] === "tools") {
      return `unknown tool ${JSON.stringify(key)}; known tools: ${tools.map((tool) => tool.name).join(", ") || "(none)"}`;
    }
    const allowed = allowedKeys(keyPath.slice(0, -1));
    return `unknown key ${JSON.stringify(key)}${allowed ? ` (allowed here: ${allowed.join(", ")})` : ""}`;
  }
  if (issue.type === "strict_object" && issue.input === undefined && issue.expected?.startsWith('"')) {
    return `missing required key ${issue.expected}`;
  }
  return issue.message;
}

function toolRules(document: PolicyDocument, tools: readonly PolicyTool[]): Map<string, ToolRule> {
  const rules = new Map<string, ToolRule>();
  for (const tool of tools) {
    const rule = defaultToolRule(tool);
    const section = document.tools?.[tool.name];
    if (section) {
      if (section.enabled !== undefined) rule.enabled = section.enabled;
      if (section.require_confirmation !== undefined) rule.requireConfirmation = section.require_confirmation || tool.risk === "privileged";
      if (section.allowed_scopes !== undefined) rule.allowedScopes = [...section.allowed_scopes];
      if (section.service_patterns !== undefined) rule.servicePatterns = [...section.service_patterns];
      if (section.timeout_s !== undefined) rule.timeoutSeconds = section.timeout_s;
    }
    rules.set(tool.name, rule);
  }
  return rules;
}

/**
 * Expands a root as written in the policy: a leading `$STATE_DIR` becomes the state dir, a
 * relative root is taken relative to the policy file's directory.
 * @param root - the root as written
 * @param policyPath - the policy file (absolute)
 * @param stateDir - mc's state dir
 * @returns an absolute, normalized directory path
 */
export function expandRoot(root: string, policyPath: string, stateDir: string): string {
  const expanded = root.replace(/^\$STATE_DIR(?=\/|$)/, () => resolve(stateDir));
  return isAbsolute(expanded) ? resolve(expanded) : resolve(dirname(policyPath), expanded);
}

function logTargets(document: PolicyDocument, path: string, stateDir: string): LogTarget[] {
  return (document.log_targets ?? []).map((target) => ({
    name: target.name,
    description: target.description ?? "",
    roots: target.roots.map((root) => expandRoot(root, path, stateDir)),
    fileGlobs: [...target.file_globs],
  }));
}

function configTargets(document: PolicyDocument, path: string, stateDir: string): ConfigTarget[] {
  return (document.config_targets ?? []).map((target) => ({
    name: target.name,
    description: target.description ?? "",
    roots: target.roots.map((root) => expandRoot(root, path, stateDir)),
    fileGlobs: [...target.file_globs],
    validator: target.validator,
    ...(target.validator_command === undefined ? {} : { validatorCommand: [...target.validator_command] }),
  }));
}
