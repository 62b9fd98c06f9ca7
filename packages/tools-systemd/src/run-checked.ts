import { type CommandResult, type Scope, type ToolContext, ToolFailureError } from "@mc/core";

/** Longest stderr excerpt put into an error message. */
const STDERR_EXCERPT_CHARS = 500;

/** How {@link runChecked} runs a command. */
export interface RunCheckedOptions {
  /** Time limit, one of core's `TIMEOUTS`. */
  timeoutMs: number;
  /** Scope the command acts in (user scope gets the session's environment). */
  scope?: Scope;
  /** What the command does, for the error message, e.g. `read the status of nginx.service`. */
  purpose: string;
  /**
   * Return output cut at the runner's cap instead of failing: the runner kills a command whose
   * output passes the cap, so its exit status says nothing about the command.
   */
  acceptTruncated?: boolean;
}

/**
 * Runs a command through the context's runner and turns a non-zero exit into a ToolFailureError
 * that carries the command's own explanation (its stderr).
 * @param context - the tool context whose runner starts the process
 * @param file - program to run
 * @param args - its arguments
 * @param options - timeout, scope and purpose
 * @returns the result of a command that exited 0
 * @throws ToolFailureError when the command exits non-zero or is killed
 */
export async function runChecked(context: ToolContext, file: string, args: readonly string[], options: RunCheckedOptions): Promise<CommandResult> {
  const result = await context.runner.run(file, args, {
    timeoutMs: options.timeoutMs,
    scope: options.scope ?? "system",
    ...(context.signal === undefined ? {} : { signal: context.signal }),
  });
  if (result.exitCode === 0 || (options.acceptTruncated === true && result.truncated)) return result;
  const stderr = excerpt(result.stderr) || excerpt(result.stdout);
  const status = result.exitCode === null ? "was killed" : `exited with status ${result.exitCode}`;
  throw new ToolFailureError(`Could not ${options.purpose}: ${file} ${status}${stderr ? `: ${stderr}` : ""}`, {
    data: { command: file, exit_code: result.exitCode, stderr: stderr },
  });
}

/**
 * First part of a command's output, trimmed, for an error message.
 * @param text - stderr or stdout
 * @returns at most {@link STDERR_EXCERPT_CHARS} characters
 */
function excerpt(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > STDERR_EXCERPT_CHARS ? `${trimmed.slice(0, STDERR_EXCERPT_CHARS)}…` : trimmed;
}

/**
 * Puts `--user` in front of systemctl/journalctl arguments for user scope.
 * @param scope - system or user
 * @param args - the rest of the arguments
 * @returns the full argument list
 */
export function scopedArgs(scope: Scope, args: readonly string[]): string[] {
  return scope === "user" ? ["--user", ...args] : [...args];
}
