import { userInfo } from "node:os";
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
 * @param toolOptions - `--arg`, `--json-args`, `--yes`, `--wait` (seconds to wait for a human's decision)
 * @returns the exit code: 0 ok, 1 denied or failed, 2 bad input, 3 pending approval
 */
export async function toolCommand(
  io: CliIo,
  options: GlobalOptions & { stateDir?: string; policy?: string },
  name: string,
  toolOptions: { arg: string[]; jsonArgs?: string; yes?: boolean; wait?: string },
): Promise<number> {
  const waitS = waitSeconds(toolOptions.wait);
  if (toolOptions.yes && !io.stdinIsTty) {
    throw new ExitError(EXIT.usage, "--yes approves as the operator and needs an interactive terminal; use `mc approvals approve ID` instead");
  }
  const runtime = runtimeFromOptions(io, options);
  try {
    const tool = runtime.listTools().find((candidate) => candidate.name === name);
    if (tool === undefined) {
      throw new ExitError(EXIT.usage, `unknown tool ${JSON.stringify(name)}; run \`mc tools\` for the list`);
    }
    const built = buildToolArguments(toolOptions.arg, toolOptions.jsonArgs, tool.inputSchema);
    const args = waitS === undefined ? built : { ...built, approval_wait_s: waitS };
    const approver = toolOptions.yes ? `${safeUser()} (terminal)` : undefined;
    // The name and arguments come from the command line: the runtime checks them at run time.
    const result = await runtime.call(name, args, {
      caller: { kind: "cli", name: safeUser() },
      ...(approver ? { approvedBy: approver } : {}),
      // While it waits for a human, say so (stderr: stdout keeps the result alone).
      onApprovalWait: (progress) => io.stderr.write(`${terminalText`${progress.message} (${progress.waited_s}/${progress.wait_s} s)`.text}\n`),
    });
    switch (result.status) {
      case "ok":
        // People get key/values and tables (sizes and times formatted); --json the exact data.
        emit(io, options, { ok: true, tool: name, output: result.output }, () => renderToolOutput(result.output));
        return EXIT.ok;
      case "approval_required":
        emit(io, options, { ok: false, ...result }, () => terminalText`${terminalMessage(result.message)}\n(expires ${result.expires_at})`);
        return EXIT.pending;
      case "denied":
        emit(io, options, { ok: false, ...result }, () => terminalText`denied (${result.code}): ${terminalMessage(result.reason)}`);
        return EXIT.failed;
      case "error":
        emit(io, options, { ok: false, ...result }, () => terminalText`error (${result.code}): ${terminalMessage(result.message)}`);
        return result.code === "input_invalid" || result.code === "unknown_tool" ? EXIT.usage : EXIT.failed;
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

/** `--wait SECONDS`: a whole number 0–600, or a usage error. */
function waitSeconds(wait: string | undefined): number | undefined {
  if (wait === undefined) return undefined;
  const seconds = /^\d{1,3}$/.test(wait) ? Number(wait) : Number.NaN;
  if (!(seconds >= 0 && seconds <= 600)) throw new ExitError(EXIT.usage, `--wait must be a whole number of seconds from 0 to 600, not ${JSON.stringify(wait)}`);
  return seconds;
}
