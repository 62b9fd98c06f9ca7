import { emit, type CliIo, type GlobalOptions } from "../io.js";
import { runtimeFromOptions } from "../runtime-from-options.js";
import { terminalCell, terminalLines, terminalText } from "../terminal-text.js";

/**
 * `mc tools`: every tool with its risk and what the policy says of it.
 * @param io - streams
 * @param options - global options
 */
export async function toolsCommand(io: CliIo, options: GlobalOptions & { stateDir?: string; policy?: string }): Promise<void> {
  const runtime = runtimeFromOptions(io, options);
  try {
    const tools = runtime.listTools().map(({ definition: _definition, ...tool }) => tool);
    emit(io, options, { tools }, () => {
      const width = Math.max(...tools.map((tool) => tool.name.length));
      return terminalLines(
        tools.map((tool) => {
          const state = !tool.enabled ? "disabled" : tool.requiresConfirmation ? "needs approval" : "allowed";
          return terminalText`${terminalCell(tool.name, width)}  ${terminalCell(tool.risk, 13)}  ${terminalCell(state, 14)}  ${tool.title}`;
        }),
      );
    });
  } finally {
    await runtime.close();
  }
}
