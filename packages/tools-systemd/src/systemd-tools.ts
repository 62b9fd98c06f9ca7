import type { ToolDefinition } from "@mc/core";
import { memoryUsageTool } from "./memory-usage.js";
import { serviceStatusTool } from "./service-status.js";
import { systemInfoTool } from "./system-info.js";

/** Every tool of this package, in the order `tools/list` shows them. */
export const systemdTools: readonly ToolDefinition[] = [
  systemInfoTool,
  memoryUsageTool,
  serviceStatusTool,
  // Each tool is typed by its own schemas; `confirmationExempt` is a function property (not a
  // method), so TypeScript will not widen it to the generic definition without this cast.
] as unknown as readonly ToolDefinition[];
