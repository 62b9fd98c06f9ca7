import type { ToolDefinition } from "@mc/core";
import { configTools, TOOLS_CONFIG_PACKAGE } from "@mc/tools-config";
import { systemdTools, TOOLS_SYSTEMD_PACKAGE } from "@mc/tools-systemd";

/** The package (and version) that defines a tool: its schemas are that package's contract. */
export interface ToolSource {
  package: string;
  version: string;
}

/** A tool with the package that defines it, when known. */
export interface RegisteredTool {
  definition: ToolDefinition;
  source?: ToolSource;
}

/**
 * The tools mc ships: host/systemd tools and managed config tools, each with its package.
 * @returns a fresh array of every built-in tool
 */
export function builtinTools(): RegisteredTool[] {
  const from = (tools: readonly ToolDefinition[], pkg: { name: string; version: string }) =>
    tools.map((definition) => ({ definition, source: { package: pkg.name, version: pkg.version } }));
  return [...from(systemdTools, TOOLS_SYSTEMD_PACKAGE), ...from(configTools, TOOLS_CONFIG_PACKAGE)];
}

/**
 * Indexes tools by name, refusing duplicates and bad names (a programming error, so it throws).
 * @param tools - tool definitions, bare or with their source package
 * @returns a map from name to tool
 */
export function indexTools(tools: readonly (ToolDefinition | RegisteredTool)[]): ReadonlyMap<string, RegisteredTool> {
  const byName = new Map<string, RegisteredTool>();
  for (const entry of tools) {
    const registered: RegisteredTool = "definition" in entry ? entry : { definition: entry };
    const { name } = registered.definition;
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(name)) throw new TypeError(`Invalid tool name ${JSON.stringify(name)}`);
    if (byName.has(name)) throw new TypeError(`Tool ${name} is registered twice`);
    byName.set(name, registered);
  }
  return byName;
}
