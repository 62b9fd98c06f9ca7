/**
 * @mc/approvals — mc's approval queue and hash-chained audit journal, in one database: an
 * embedded libSQL file (the default) or PostgreSQL for a fleet of hosts.
 * Every export of this file is public API; anything not exported here is internal.
 */
export { newApprovalId } from "./approval-id.js";
export { DEFAULT_APPROVAL_TTL_MS, DEFAULT_LEASE_MS, INTERRUPTED_ERROR, MAX_APPROVAL_ARGUMENTS_BYTES } from "./approval-queue.js";
export type {
  ApprovalDecision,
  StartedEvent,
  ApprovalListOptions,
  ApprovalRequest,
  ApprovalRequestResult,
  ClaimRequest,
  FinalizeOutcome,
  RecoverOptions,
} from "./approval-queue.js";
export type { ApprovalRecord, Requester } from "./approval-record.js";
export { APPROVAL_STATUSES } from "./approval-status.js";
export type { ApprovalStatus } from "./approval-status.js";
export { ApprovalStore } from "./approval-store.js";
export type { DecisionSource } from "./approval-store.js";
export { AUDIT_DECISIONS, AUDIT_OUTCOMES, auditEventHash, GENESIS_HASH } from "./audit-event.js";
export type { AuditDecision, AuditEventInput, AuditOutcome, AuditRecord, HashedAuditFields } from "./audit-event.js";
export type { AuditListOptions, AuditVerifyOptions } from "./audit-journal.js";
export type { AuditProblem, AuditProblemKind, AuditVerification } from "./audit-verification.js";
export type { ClaimRefusal, ClaimResult } from "./claim-result.js";
export { isBusyError } from "./connection.js";
export type { BusyEvent } from "./connection.js";
export { APPROVAL_ERROR_CODES, ApprovalError } from "./errors/approval-error.js";
export type { AnyApprovalError, ApprovalErrorCode, ApprovalErrorData } from "./errors/approval-error.js";
export { currentOwner, isOwnerAlive, processStartTime } from "./executor-owner.js";
export type { ExecutorOwner } from "./executor-owner.js";
export { HOST_ID_PATTERN, isPostgresUrl, openStore } from "./open-store.js";
export type { OpenStoreOptions } from "./open-store.js";
export { REDACTED, redactArguments, SECRET_KEY_PATTERN } from "./redact-arguments.js";
export { identifyingArguments, requestHash } from "./request-hash.js";
export {
  boundedText,
  boundedValue,
  MAX_STORED_DEPTH,
  MAX_STORED_ENTRIES,
  MAX_STORED_JSON_BYTES,
  MAX_STORED_STRING_BYTES,
  MAX_STORED_TEXT_CHARS,
} from "./stored-value.js";
