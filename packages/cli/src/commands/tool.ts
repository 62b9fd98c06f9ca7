import { userInfo } from "node:os";
import { setExitCode } from "../cli.js";
import { EXIT, ExitError } from "../exit-error.js";
import { emit, type CliIo, type GlobalOptions } from "../io.js";
import { runtimeFromOptions } from "../runtime-from-options.js";
import { renderToolOutput } from "../terminal-table.js";
import { terminalMessage, terminalText } from "../terminal-text.js";
import { buildToolArguments } from "../tool-arguments.js";

/**
 * `mc tool NAME`: runs one tool through the runtime. Exit 0 ok, 1 denied or failed, 2 bad
 * arguments, 3 waiting for approval.
 * @param io - streams
 * @param options - global options
 * @param name - tool name
 * @param toolOptions - `--arg`, `--json-args`, `--yes`
 */
export async function toolCommand(
  io: CliIo,
  options: GlobalOptions & { stateDir?: string; policy?: string },
  name: string,
  toolOptions: { arg: string[]; jsonArgs?: string; yes?: boolean },
): Promise<void> {
  if (toolOptions.yes && !io.stdinIsTty) {
    throw new ExitError(EXIT.usage, "--yes approves as the operator and needs an interactive terminal; use `mc approvals approve ID` instead");
  }
  const runtime = runtimeFromOptions(io, options);
  try {
    const tool = runtime.listTools().find((candidate) => candidate.name === name);
    if (tool === undefined) {
      throw new ExitError(EXIT.usage, `unknown tool ${JSON.stringify(name)}; run \`mc tools\` for the list`);
    }
    const args = buildToolArguments(toolOptions.arg, toolOptions.jsonArgs, tool.inputSchema);
    const approver = toolOptions.yes ? `${safeUser()} (terminal)` : undefined;
    const result = await runtime.runTool(name, args, {
      caller: { kind: "cli", name: safeUser() },
      ...(approver ? { approvedBy: approver } : {}),
    });
    switch (result.status) {
      case "ok":
        // People get key/values and tables (sizes and times formatted); --json the exact data.
        emit(io, options, { ok: true, tool: name, output: result.output }, () => renderToolOutput(result.output));
        return;
      case "approval_required":
        emit(io, options, { ok: false, ...result }, () => terminalText`${terminalMessage(result.message)}\n(expires ${result.expires_at})`);
        setExitCode(EXIT.pending);
        return;
      case "denied":
        emit(io, options, { ok: false, ...result }, () => terminalText`denied (${result.code}): ${terminalMessage(result.reason)}`);
        setExitCode(EXIT.failed);
        return;
      case "error":
        emit(io, options, { ok: false, ...result }, () => terminalText`error (${result.code}): ${terminalMessage(result.message)}`);
        setExitCode(result.code === "input_invalid" || result.code === "unknown_tool" ? EXIT.usage : EXIT.failed);
        return;
    }
  } finally {
    await runtime.close();
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? "?"}`;
  }
}
