import { emit, type CliIo, type GlobalOptions } from "../io.js";
import { runtimeFromOptions } from "../runtime-from-options.js";
import { styled, styledLines } from "../terminal-style.js";
import { renderTable } from "../terminal-table.js";

/**
 * `mc tools`: every tool with its risk and what the policy says of it.
 * @param io - streams
 * @param options - global options
 */
export async function toolsCommand(io: CliIo, options: GlobalOptions & { stateDir?: string; policy?: string }): Promise<void> {
  const runtime = runtimeFromOptions(io, options);
  try {
    const tools = runtime.listTools();
    // Only --json shows the schemas: the table leaves them unconverted (ToolInfo's getters).
    const json = () => ({ tools: tools.map(({ definition: _definition, ...tool }) => tool) });
    emit(io, options, options.json ? json() : undefined, () => {
      const table = renderTable(
        [{ header: "tool" }, { header: "risk" }, { header: "policy" }, { header: "title" }],
        tools.map((tool) => [
          tool.name,
          styled(tool.risk, tool.risk === "privileged" ? "red" : tool.risk === "read_only" ? undefined : "yellow"),
          !tool.enabled ? styled("disabled", "dim") : tool.requiresConfirmation ? styled("needs approval", "yellow") : styled("allowed", "green"),
          tool.title,
        ]),
      );
      const enabled = tools.filter((tool) => tool.enabled).length;
      return styledLines([table, styled(`${tools.length} tools, ${enabled} enabled`, "dim")]);
    });
  } finally {
    await runtime.close();
  }
}
