import { type CommandResult, McError, type ToolContext, ToolFailureError } from "@mc/core";
import { runChecked, type RunCheckedOptions } from "./run-checked.js";

/** Exit status of a program that could not be found (a shell's, nsenter's, env's). */
const NOT_FOUND_STATUS = 127;

/**
 * Runs a program that a host may not have (`ip`, `ss`, `dpkg-query`, `rpm`) like
 * {@link runChecked}, but says "not installed" instead of failing when it is missing: the runner
 * could not start it (ENOENT), or a runner prefix such as a container's `nsenter` exited 127.
 * @param context - the tool context whose runner starts the process
 * @param file - program name, looked up on the runner's fixed PATH
 * @param args - its arguments
 * @param options - timeout, purpose, acceptTruncated
 * @returns the result of a run that exited 0, or undefined when the program is not installed
 * @throws ToolFailureError when the program exists but fails
 */
export async function runIfInstalled(
  context: ToolContext,
  file: string,
  args: readonly string[],
  options: RunCheckedOptions,
): Promise<CommandResult | undefined> {
  try {
    return await runChecked(context, file, args, options);
  } catch (error) {
    if (isNotInstalled(error)) return undefined;
    throw error;
  }
}

/**
 * Whether an error from {@link runChecked} means the program does not exist.
 * @param error - anything caught
 * @returns true for ENOENT at start-up or exit status 127
 */
function isNotInstalled(error: unknown): boolean {
  if (!McError.isInstance(error)) return false;
  if (error.data.exit_code === NOT_FOUND_STATUS) return true;
  return (error.cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT" && error.message.startsWith("Could not start");
}

/**
 * The error a tool raises when the host lacks the program it reads from.
 * @param message - which program is missing, e.g. "`ip` (iproute2) is not installed on this host."
 * @returns a ToolFailureError with `data.reason = "not_installed"`
 */
export function notInstalledError(message: string): ToolFailureError {
  return new ToolFailureError(message, { data: { reason: "not_installed" } });
}
