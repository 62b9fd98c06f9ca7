import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { RISK_LEVELS, type RiskLevel, type ToolDefinition } from "@mc/core";
import { ToolsModuleError } from "./errors/tools-module-error.js";

/**
 * Imports a package's built entry and returns the tool definitions it exports under a name,
 * e.g. `systemdTools` from `packages/tools-systemd/dist/index.js`.
 * @param modulePath - path of an ES module (relative paths resolve against the working directory)
 * @param exportName - the named export holding an array of tool definitions
 * @returns the tools
 * @throws ToolsModuleError when the module cannot be imported or the export is not an array of tools
 */
export async function loadToolsModule(modulePath: string, exportName: string): Promise<ToolDefinition[]> {
  const path = resolve(modulePath);
  const fail = (problem: string, cause?: unknown): never => {
    throw new ToolsModuleError(`${path}: ${problem}`, { path, exportName, cause });
  };
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    return fail(`cannot import the tools module (is the package built?): ${(error as Error).message}`, error);
  }
  const exported = loaded[exportName];
  if (exported === undefined) {
    const names = Object.keys(loaded).sort().join(", ");
    return fail(`has no export "${exportName}" (it exports: ${names === "" ? "nothing" : names})`);
  }
  if (!Array.isArray(exported)) return fail(`the export "${exportName}" is not an array of tool definitions`);
  exported.forEach((tool: unknown, index) => {
    const candidate = tool as Partial<ToolDefinition> | null;
    if (
      candidate === null ||
      typeof candidate !== "object" ||
      typeof candidate.name !== "string" ||
      typeof candidate.input !== "object" ||
      typeof candidate.output !== "object" ||
      !RISK_LEVELS.includes(candidate.risk as RiskLevel)
    ) {
      fail(`element ${index} of "${exportName}" is not a tool definition (name, risk, input and output schemas)`);
    }
  });
  return exported as ToolDefinition[];
}
