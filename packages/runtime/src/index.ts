/**
 * @mc/runtime — composes policy, approvals, audit and tools behind `createRuntime()`.
 * Every export of this file is public API; anything not exported here is internal.
 */
export { APPROVAL_STATUSES, AUDIT_OUTCOMES, CALLER_KINDS } from "./approval-filters.js";
export type { BuiltinTools } from "./builtin-tools.js";
export type {
  ApprovalListOptions,
  ApprovalRecord,
  ApprovalStatus,
  AuditListOptions,
  AuditOutcome,
  AuditRecord,
  AuditVerification,
  AuditVerifyOptions,
} from "@mc/approvals";
export type { BackupEntry } from "@mc/tools-config";
export { APPROVAL_METHODS } from "./runtime-approvals.js";
export type { ApprovalDecisionInput, ApprovalMethod, RuntimeApprovals } from "./runtime-approvals.js";
export type { RuntimeAudit } from "./runtime-audit.js";
export type { RuntimeBackups } from "./runtime-backups.js";
export type { ToolArguments, ToolMap, ToolOutput } from "./tool-types.js";
export type { ApprovalPreview } from "./approval-preview.js";
export { APPROVAL_POLL_MS, APPROVAL_PROGRESS_EVERY_MS } from "./approval-wait.js";
export type { ApprovalWaitProgress } from "./approval-wait.js";
export { approveCommand, shellQuote } from "./approve-command.js";
export { ApprovalRequiredSchema } from "./call-result.js";
export type { ApprovalRequired, CallErrorCode, ToolCallResult } from "./call-result.js";
export type { Caller, CallerKind } from "./caller.js";
export type { DoctorCheck, DoctorReport } from "./doctor.js";
export { createRuntime } from "./runtime.js";
export type { Runtime, RuntimeEvents, RuntimeOptions, RunToolOptions, ToolInfo } from "./runtime.js";
export { resolveRuntimePaths } from "./runtime-paths.js";
export type { RuntimePathOptions, RuntimePaths } from "./runtime-paths.js";
export { builtinTools } from "./tool-registry.js";
export type { RegisteredTool, ToolSource } from "./tool-registry.js";
