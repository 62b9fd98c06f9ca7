import type { ToolDefinition } from "@mc/core";
import { configTools } from "@mc/tools-config";
import { systemdTools } from "@mc/tools-systemd";

/**
 * The tools mc ships: host/systemd tools and managed config tools.
 * @returns a fresh array of every built-in tool
 */
export function builtinTools(): ToolDefinition[] {
  return [...systemdTools, ...configTools];
}

/**
 * Indexes tools by name, refusing duplicates and bad names (a programming error, so it throws).
 * @param tools - tool definitions
 * @returns a map from name to tool
 */
export function indexTools(tools: readonly ToolDefinition[]): ReadonlyMap<string, ToolDefinition> {
  const byName = new Map<string, ToolDefinition>();
  for (const tool of tools) {
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(tool.name)) throw new TypeError(`Invalid tool name ${JSON.stringify(tool.name)}`);
    if (byName.has(tool.name)) throw new TypeError(`Tool ${tool.name} is registered twice`);
    byName.set(tool.name, tool);
  }
  return byName;
}
