import type { ToolDefinition } from "@mc/core";
import { readConfigFileTool } from "./read-config-file.js";
import { readLogFileTool } from "./read-log-file.js";
import { restoreConfigBackupTool } from "./restore-config-backup.js";
import { writeConfigFileTool } from "./write-config-file.js";

/** Every tool of this package, for the runtime to register. */
export const configTools: readonly ToolDefinition[] = [readConfigFileTool, writeConfigFileTool, restoreConfigBackupTool, readLogFileTool];
