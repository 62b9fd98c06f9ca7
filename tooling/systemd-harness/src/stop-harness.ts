import { execa } from "execa";
import { HarnessError } from "./errors/harness-error.js";
import { harnessScripts } from "./harness-scripts.js";
import { harnessScriptEnv, type HarnessOptions } from "./start-harness.js";

/**
 * Stops the harness with down.sh and removes its state. Nothing running is not an error.
 * Other packages' tests share the default harness: only the test driver should stop it.
 * @param options - which harness, and the time limit
 * @returns when it is gone
 * @throws HarnessError when down.sh could not stop it
 */
export async function stopHarness(options: HarnessOptions = {}): Promise<void> {
  const result = await execa(harnessScripts.down, [], {
    env: harnessScriptEnv(options),
    extendEnv: false,
    stdin: "ignore",
    reject: false,
    timeout: options.timeoutMs ?? 120_000,
  });
  if (result.exitCode !== 0) {
    throw new HarnessError(`down.sh exited ${result.exitCode ?? result.signal ?? "?"}: ${result.stderr.trim()}`, {
      script: harnessScripts.down,
      exitCode: result.exitCode ?? null,
      stderr: result.stderr,
    });
  }
}
