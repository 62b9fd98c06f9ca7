/**
 * @mc/runtime — composes policy, approvals, audit and tools behind `createRuntime()`.
 * Every export of this file is public API; anything not exported here is internal.
 */
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
