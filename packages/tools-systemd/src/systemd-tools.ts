import type { ToolDefinition } from "@mc/core";
import { daemonReloadTool } from "./daemon-reload.js";
import { diskUsageTool } from "./disk-usage.js";
import { failedServicesTool } from "./failed-services.js";
import { installedPackagesTool } from "./installed-packages.js";
import { listeningSocketsTool } from "./listening-sockets.js";
import { memoryUsageTool } from "./memory-usage.js";
import { networkInterfacesTool } from "./network-interfaces.js";
import { processToUnitTool } from "./process-to-unit.js";
import { readJournalTool } from "./read-journal.js";
import { reloadServiceTool } from "./reload-service.js";
import { restartServiceTool } from "./restart-service.js";
import { serviceStatusTool } from "./service-status.js";
import { systemInfoTool } from "./system-info.js";
import { topProcessesTool } from "./top-processes.js";

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
  networkInterfacesTool,
  listeningSocketsTool,
  installedPackagesTool,
  reloadServiceTool,
  restartServiceTool,
  daemonReloadTool,
];
