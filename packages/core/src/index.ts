/**
 * @mc/core — mc's tool contract, risk levels, typed errors and the command runner.
 * Every export of this file is public API; anything not exported here is internal.
 */
export { APPROVAL_ID_PATTERN, approvalIdSchema, approvalWaitSchema, isApprovalId, MAX_APPROVAL_WAIT_S } from "./approval-id.js";
export { CALLER_KINDS } from "./caller-kind.js";
export type { CallerKind } from "./caller-kind.js";
export { canonicalJson } from "./canonical-json.js";
export { childEnvironment, createCommandRunner, DEFAULT_MAX_OUTPUT_CHARS, DEFAULT_PATH, TIMEOUTS } from "./command-runner.js";
export type { CommandResult, CommandRunner, CommandRunnerOptions, RunOptions } from "./command-runner.js";
export type { ConfigTarget, ConfigValidatorKind } from "./config-target.js";
export type { LogTarget } from "./log-target.js";
export { CommandTimeoutError, DeniedError, InputError, McError, ToolFailureError } from "./errors/mc-error.js";
export type { DenialCode, InputIssue } from "./errors/mc-error.js";
export { errorMessage } from "./error-message.js";
export { compileGlob, matchGlob } from "./glob.js";
export type { CompiledGlob, GlobCompileResult, GlobOptions } from "./glob.js";
export { redactUrl } from "./redact-url.js";
export { requiresConfirmationByDefault, RISK_LEVELS, riskAnnotations } from "./risk.js";
export type { RiskAnnotations, RiskLevel } from "./risk.js";
export { SCOPES } from "./scope.js";
export type { Scope } from "./scope.js";
export { defineTool } from "./tool-definition.js";
export type { AnySchema, PolicySubject, ToolContext, ToolDefinition, ToolNeed } from "./tool-definition.js";
export { schemaToJson, toolJsonSchemas } from "./tool-json-schema.js";
export { CONFINED_VALIDATOR_ID, confinedValidatorWrapper, validatorConfinement } from "./validator-confinement.js";
export type { ValidatorConfinement, ValidatorConfinementMode } from "./validator-confinement.js";
export type { ToolJsonSchemas } from "./tool-json-schema.js";
export { hasUnitSuffix, isUnitName, UNIT_NAME_MAX_LENGTH, UNIT_NAME_PATTERN, UNIT_SUFFIXES } from "./unit-name.js";
export { formatIssues, parseToolInput } from "./validate.js";
