import type { ToolDefinition } from "@mc/core";
import { daemonReloadTool } from "./daemon-reload.js";
import { disableServiceTool } from "./disable-service.js";
import { diskUsageTool } from "./disk-usage.js";
import { enableServiceTool } from "./enable-service.js";
import { failedServicesTool } from "./failed-services.js";
import { installedPackagesTool } from "./installed-packages.js";
import { listTimersTool } from "./list-timers.js";
import { listUnitsTool } from "./list-units.js";
import { listeningSocketsTool } from "./listening-sockets.js";
import { memoryUsageTool } from "./memory-usage.js";
import { networkInterfacesTool } from "./network-interfaces.js";
import { processToUnitTool } from "./process-to-unit.js";
import { readJournalTool } from "./read-journal.js";
import { reloadServiceTool } from "./reload-service.js";
import { restartServiceTool } from "./restart-service.js";
import { serviceStatusTool } from "./service-status.js";
import { startServiceTool } from "./start-service.js";
import { stopServiceTool } from "./stop-service.js";
import { systemInfoTool } from "./system-info.js";
import { topProcessesTool } from "./top-processes.js";
import { unitFileTool } from "./unit-file.js";

/** Every tool of this package, in the order `tools/list` shows them (read-only first). */
export const systemdTools: readonly ToolDefinition[] = [
  systemInfoTool,
  diskUsageTool,
  memoryUsageTool,
  topProcessesTool,
  processToUnitTool,
  failedServicesTool,
  serviceStatusTool,
  readJournalTool,
  listUnitsTool,
  listTimersTool,
  unitFileTool,
  networkInterfacesTool,
  listeningSocketsTool,
  installedPackagesTool,
  reloadServiceTool,
  restartServiceTool,
  startServiceTool,
  stopServiceTool,
  enableServiceTool,
  disableServiceTool,
  daemonReloadTool,
];
