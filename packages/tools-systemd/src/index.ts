/**
 * @mc/tools-systemd — mc's host and systemd tools (SPEC §4).
 * Every export of this file is public API; anything not exported here is internal.
 */
export { approvalIdSchema } from "./approval-id.js";
export { memoryUsageOutputSchema, memoryUsageTool, parseMeminfo } from "./memory-usage.js";
export { serviceStatusOutputSchema, serviceStatusTool, unitStatusSchema } from "./service-status.js";
export { prettyNameFromOsRelease, systemInfoOutputSchema, systemInfoTool } from "./system-info.js";
export { systemdTools } from "./systemd-tools.js";
export {
  isUnitName,
  SCOPES,
  scopeSchema,
  UNIT_NAME_MAX_LENGTH,
  UNIT_NAME_PATTERN,
  UNIT_SUFFIXES,
  unitNameSchema,
} from "./unit-name.js";
export { parseProperties, readUnitStatus, UNIT_PROPERTIES } from "./unit-properties.js";
export type { UnitStatus } from "./unit-properties.js";
