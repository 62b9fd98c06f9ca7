/**
 * Test-only helpers shared by this package's tests (not exported from the package): a tool
 * context on a real runner, a runner that records every command, and a call that validates the
 * output the way the runtime does.
 */
import { tmpdir } from "node:os";
import { type CommandResult, type CommandRunner, createCommandRunner, parseToolInput, type RunOptions, type ToolContext, type ToolDefinition } from "@mc/core";
import * as v from "valibot";

/** One command a recording runner was asked to run. */
export interface RecordedCall {
  file: string;
  args: readonly string[];
  options: RunOptions;
}

/**
 * Wraps a runner so every command it is asked to run is recorded before it runs.
 * @param inner - the real runner
 * @returns the wrapping runner and the list it appends to
 */
export function recordingRunner(inner: CommandRunner): { runner: CommandRunner; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  return {
    calls,
    runner: {
      prefix: inner.prefix,
      run(file: string, args: readonly string[], options: RunOptions): Promise<CommandResult> {
        calls.push({ file, args: [...args], options });
        return inner.run(file, args, options);
      },
    },
  };
}

/**
 * A tool context whose runner puts `prefix` before every command.
 * @param prefix - e.g. the harness's prefix; empty runs on this host
 * @returns the context and the record of commands its runner ran
 */
export function contextFor(prefix: readonly string[] = []): { context: ToolContext; calls: RecordedCall[] } {
  const { runner, calls } = recordingRunner(createCommandRunner({ prefix }));
  return { context: { runner, stateDir: tmpdir(), configTargets: [] }, calls };
}

/**
 * Calls a tool the way the runtime does: parse the arguments, run, check the output schema.
 * @param tool - the tool
 * @param args - untrusted arguments
 * @param context - tool context
 * @returns the validated output
 */
export async function callTool<TInput extends v.GenericSchema, TOutput extends v.GenericSchema>(
  tool: ToolDefinition<TInput, TOutput>,
  args: unknown,
  context: ToolContext,
): Promise<v.InferOutput<TOutput>> {
  const input = parseToolInput(tool.name, tool.input, args);
  return v.parse(tool.output, await tool.run(input, context));
}
