/**
 * @mc/policy — mc's TOML policy: parse, validate, defaults, decisions and diagnostics.
 * Every export of this file is public API; anything not exported here is internal.
 */
export { checkPolicyFile } from "./check-policy-file.js";
export { decide } from "./decide.js";
export type { PolicyCall, PolicyDecision } from "./decide.js";
export { defaultConfigTargets } from "./default-config-targets.js";
export { formatKeyPath } from "./key-path.js";
export type { KeyPath } from "./key-path.js";
export { defaultPolicy, expandRoot, loadPolicy, loadPolicyBytes } from "./load-policy.js";
export type { LoadPolicyOptions } from "./load-policy.js";
export type { ApprovalSettings, LoadedPolicy, ToolRule } from "./loaded-policy.js";
export { DEFAULT_APPROVALS } from "./policy-defaults.js";
export type { PolicyDiagnostic, PolicyDiagnostics } from "./policy-diagnostic.js";
export { EXPIRY_MINUTES_RANGE, SCOPES, VALIDATOR_KINDS } from "./policy-schema.js";
export { createPolicySource } from "./policy-source.js";
export type { PolicySource } from "./policy-source.js";
export { policyTemplate } from "./policy-template.js";
export type { PolicyTemplateOptions } from "./policy-template.js";
export type { PolicyTool } from "./policy-tool.js";
