/**
 * @mc/policy — mc's TOML policy: parse, validate, defaults, decisions and diagnostics.
 * Every export of this file is public API; anything not exported here is internal.
 */
export { checkPolicyFile } from "./check-policy-file.js";
export { decide, toolStatus } from "./decide.js";
export type { PolicyCall, PolicyDecision, ToolStatus } from "./decide.js";
export { defaultConfigTargets } from "./default-config-targets.js";
export { installPolicy, NEW_POLICY_MODE } from "./install-policy.js";
export type { InstallPolicyOptions, InstallPolicyResult } from "./install-policy.js";
export { formatKeyPath } from "./key-path.js";
export type { KeyPath } from "./key-path.js";
export { defaultPolicy, expandRoot, loadPolicy, loadPolicyBytes } from "./load-policy.js";
export type { LoadPolicyOptions } from "./load-policy.js";
export type { ApprovalSettings, LoadedPolicy, ToolRule } from "./loaded-policy.js";
export { DEFAULT_APPROVALS } from "./policy-defaults.js";
export type { PolicyDiagnostic, PolicyDiagnostics } from "./policy-diagnostic.js";
export { EXPIRY_MINUTES_RANGE, TIMEOUT_SECONDS_RANGE, VALIDATOR_KINDS } from "./policy-schema.js";
export { createPolicySource, POLICY_FIRST_LOAD_WAIT_MS, POLICY_QUIET_MS } from "./policy-source.js";
export type { PolicySource } from "./policy-source.js";
export { policyTemplate } from "./policy-template.js";
export type { PolicyTemplateOptions } from "./policy-template.js";
export type { PolicyTool } from "./policy-tool.js";
export { MAX_POLICY_BYTES, readPolicyFile } from "./read-policy-file.js";
export type { PolicyFileRead } from "./read-policy-file.js";
