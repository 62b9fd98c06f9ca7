/** Test-only: a runner that records and refuses every command, to prove input errors start nothing. */
import type { CommandRunner, ToolContext } from "@mc/core";

/**
 * A tool context whose runner throws on any command and records what was attempted.
 * @returns the context and the list of attempted commands (must stay empty)
 */
export function refusingContext(): { context: ToolContext; started: string[][] } {
  const started: string[][] = [];
  const runner: CommandRunner = {
    prefix: [],
    run(file, args) {
      started.push([file, ...args]);
      throw new Error(`no process may start, but ${file} was started`);
    },
  };
  return { started, context: { runner, stateDir: "/tmp", configTargets: [] } };
}
