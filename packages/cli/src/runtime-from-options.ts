import { createRuntime, type Runtime } from "@mc/runtime";
import type { CliIo } from "./io.js";

/**
 * The runtime for a command, from the global options and `MC_*` variables. `MC_COMMAND_PREFIX`
 * (a JSON array of argv) points the tools into a container; it is meant for tests.
 * @param io - environment
 * @param options - `--state-dir`, `--policy`
 * @returns a runtime; the caller closes it
 */
export function runtimeFromOptions(io: CliIo, options: { stateDir?: string; policy?: string }): Runtime {
  const prefix = io.env.MC_COMMAND_PREFIX;
  let commandPrefix: string[] | undefined;
  if (prefix !== undefined && prefix !== "") {
    const parsed: unknown = JSON.parse(prefix);
    if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === "string")) {
      throw new TypeError("MC_COMMAND_PREFIX must be a JSON array of strings");
    }
    commandPrefix = parsed;
  }
  return createRuntime({
    env: io.env,
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    ...(options.policy ? { policyPath: options.policy } : {}),
    ...(commandPrefix ? { commandPrefix } : {}),
  });
}
