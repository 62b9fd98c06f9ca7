import type { readConfigFileTool, readLogFileTool, restoreConfigBackupTool, writeConfigFileTool } from "@mc/tools-config";
import type {
  daemonReloadTool,
  disableServiceTool,
  diskUsageTool,
  enableServiceTool,
  failedServicesTool,
  installedPackagesTool,
  listeningSocketsTool,
  listTimersTool,
  listUnitsTool,
  memoryUsageTool,
  networkInterfacesTool,
  processToUnitTool,
  readJournalTool,
  reloadServiceTool,
  restartServiceTool,
  serviceStatusTool,
  startServiceTool,
  stopServiceTool,
  systemInfoTool,
  topProcessesTool,
  unitFileTool,
} from "@mc/tools-systemd";

/**
 * The built-in tools by name, with their schemas' types: what `runtime.runTool` checks an
 * embedder's arguments and types its results against at compile time. A test holds it equal to
 * `builtinTools()`.
 */
export type BuiltinTools = {
  /** See @mc/tools-systemd. */
  system_info: typeof systemInfoTool;
  /** See @mc/tools-systemd. */
  disk_usage: typeof diskUsageTool;
  /** See @mc/tools-systemd. */
  memory_usage: typeof memoryUsageTool;
  /** See @mc/tools-systemd. */
  top_processes: typeof topProcessesTool;
  /** See @mc/tools-systemd. */
  process_to_unit: typeof processToUnitTool;
  /** See @mc/tools-systemd. */
  failed_services: typeof failedServicesTool;
  /** See @mc/tools-systemd. */
  service_status: typeof serviceStatusTool;
  /** See @mc/tools-systemd. */
  read_journal: typeof readJournalTool;
  /** See @mc/tools-systemd. */
  list_units: typeof listUnitsTool;
  /** See @mc/tools-systemd. */
  list_timers: typeof listTimersTool;
  /** See @mc/tools-systemd. */
  unit_file: typeof unitFileTool;
  /** See @mc/tools-systemd. */
  network_interfaces: typeof networkInterfacesTool;
  /** See @mc/tools-systemd. */
  listening_sockets: typeof listeningSocketsTool;
  /** See @mc/tools-systemd. */
  installed_packages: typeof installedPackagesTool;
  /** See @mc/tools-systemd. */
  reload_service: typeof reloadServiceTool;
  /** See @mc/tools-systemd. */
  restart_service: typeof restartServiceTool;
  /** See @mc/tools-systemd. */
  start_service: typeof startServiceTool;
  /** See @mc/tools-systemd. */
  stop_service: typeof stopServiceTool;
  /** See @mc/tools-systemd. */
  enable_service: typeof enableServiceTool;
  /** See @mc/tools-systemd. */
  disable_service: typeof disableServiceTool;
  /** See @mc/tools-systemd. */
  daemon_reload: typeof daemonReloadTool;
  /** See @mc/tools-config. */
  read_config_file: typeof readConfigFileTool;
  /** See @mc/tools-config. */
  write_config_file: typeof writeConfigFileTool;
  /** See @mc/tools-config. */
  restore_config_backup: typeof restoreConfigBackupTool;
  /** See @mc/tools-config. */
  read_log_file: typeof readLogFileTool;
};
