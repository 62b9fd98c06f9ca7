/**
 * @mc/tools-config — mc's managed config file tools: read, validated atomic write with
 * backup and diff, and restore of a backup. Every export of this file is public API.
 */
export { formatBackupId, parseBackupId } from "./backup-id.js";
export type { ParsedBackupId } from "./backup-id.js";
export { listBackups } from "./backup-store.js";
export type { BackupEntry, ListBackupsOptions } from "./backup-store.js";
export { configTools } from "./config-tools.js";
export { validateConfigContent } from "./config-validation.js";
export type { ValidationResult } from "./config-validation.js";
export { configPathSchema, configTargetNameSchema, validationSchema, writeResultSchema } from "./config-tool-schemas.js";
export { MAX_CONFIG_FILE_BYTES } from "./limits.js";
export { openVerifiedFile, readVerifiedFile } from "./open-verified-file.js";
export type { OpenVerifiedFileOptions, VerifiedContent, VerifiedFile, VerifiedFileRule, VerifiedIdentity } from "./open-verified-file.js";
export { readConfigFile, readConfigFileInputSchema, readConfigFileOutputSchema, readConfigFileTool } from "./read-config-file.js";
export {
  LOG_GREP_MAX_LENGTH,
  LOG_LINE_MAX_CHARS,
  LOG_OUTPUT_MAX_CHARS,
  LOG_TAIL_BYTES,
  readLogFile,
  readLogFileInputSchema,
  readLogFileOutputSchema,
  readLogFileTool,
  tailLines,
} from "./read-log-file.js";
export { resolveManagedPath } from "./resolve-managed-path.js";
export type { ExistingFile, FileIdentity, ManagedPath, ManagedPathPurpose, ManagedTarget, ResolveManagedPathOptions } from "./resolve-managed-path.js";
export { restoreConfigBackup, restoreConfigBackupInputSchema, restoreConfigBackupOutputSchema, restoreConfigBackupTool } from "./restore-config-backup.js";
export { writeConfigFile, writeConfigFileInputSchema, writeConfigFileTool } from "./write-config-file.js";
export type { WriteOutcome } from "./write-managed-file.js";
export type { WriteHooks, WriteStep } from "./write-step.js";
export { TOOLS_CONFIG_PACKAGE } from "./package-info.js";
