/**
 * @mc/tools-systemd — mc's host and systemd tools.
 * Every export of this file is public API; anything not exported here is internal.
 */
export { systemdCgroupPath, unitsOfCgroup } from "./cgroup-unit.js";
export type { CgroupUnits } from "./cgroup-unit.js";
export { daemonReloadOutputSchema, daemonReloadTool } from "./daemon-reload.js";
export { disableServiceTool } from "./disable-service.js";
export { absolutePathSchema, diskUsageOutputSchema, diskUsageTool } from "./disk-usage.js";
export { enableServiceTool } from "./enable-service.js";
export { failedServicesOutputSchema, failedServicesTool, parseUnitList, unitEntrySchema } from "./failed-services.js";
export { installedPackageSchema, installedPackagesOutputSchema, installedPackagesTool, parsePackageLines } from "./installed-packages.js";
export { notInstalledError, runIfInstalled } from "./installed-program.js";
export {
  decodeProcNetAddress,
  listeningSocketSchema,
  listeningSocketsOutputSchema,
  listeningSocketsTool,
  parseProcNet,
  SOCKET_PROTOCOLS,
} from "./listening-sockets.js";
export type { ProcNetSocket } from "./listening-sockets.js";
export { JOURNAL_FIELDS, journalEntrySchema, parseJournalLine } from "./journal-entry.js";
export type { JournalEntry } from "./journal-entry.js";
export {
  JOURNAL_GREP_MAX_LENGTH,
  JOURNAL_PRIORITIES,
  journalBootSchema,
  journalFilterArgs,
  journalGrepSchema,
  journalPrioritySchema,
  journalTimeSchema,
  literalPcre2,
  resolveJournalTime,
} from "./journal-filters.js";
export type { JournalFilters } from "./journal-filters.js";
export { jsonArrayObjects } from "./json-array-objects.js";
export { listTimersOutputSchema, listTimersTool, timerEntrySchema, timerTime } from "./list-timers.js";
export {
  listUnitsArgs,
  listUnitsOutputSchema,
  listUnitsTool,
  parseListUnits,
  UNIT_GLOB_PATTERN,
  UNIT_STATES,
  UNIT_TYPES,
  unitGlobSchema,
} from "./list-units.js";
export { memoryUsageOutputSchema, memoryUsageTool, parseMeminfo } from "./memory-usage.js";
export { interfaceAddressSchema, networkInterfaceSchema, networkInterfacesOutputSchema, networkInterfacesTool, parseIpAddr } from "./network-interfaces.js";
export { processToUnitOutputSchema, processToUnitTool, processUnitSchema } from "./process-to-unit.js";
export { journalArgs, readJournalOutputSchema, readJournalTool } from "./read-journal.js";
export { reloadServiceTool } from "./reload-service.js";
export { restartServiceTool } from "./restart-service.js";
export { runChecked, scopedArgs } from "./run-checked.js";
export type { RunCheckedOptions } from "./run-checked.js";
export { ACTION_TIMEOUTS_MS, runServiceAction, runUnitAction, serviceActionOutputSchema, UNIT_ACTIONS, unitActionOutputSchema } from "./service-action.js";
export type { PendingJob, ServiceActionResult, UnitAction, UnitActionResult } from "./service-action.js";
export { serviceStatusOutputSchema, serviceStatusTool, unitStatusSchema } from "./service-status.js";
export { startServiceTool } from "./start-service.js";
export { stopServiceTool } from "./stop-service.js";
export { prettyNameFromOsRelease, systemInfoOutputSchema, systemInfoTool } from "./system-info.js";
export { systemdTools } from "./systemd-tools.js";
export { splitUnitFiles, unitFileEntrySchema, unitFileOutputSchema, unitFileTool } from "./unit-file.js";
export { parsePsOutput, processEntrySchema, topProcessesOutputSchema, topProcessesTool } from "./top-processes.js";
export { scopeSchema, unitNameSchema } from "./unit-name.js";
export { parseProperties, readUnitStatus, UNIT_PROPERTIES } from "./unit-properties.js";
export type { UnitStatus } from "./unit-properties.js";
export { TOOLS_SYSTEMD_PACKAGE } from "./package-info.js";
