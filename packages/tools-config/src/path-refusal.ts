import { DeniedError } from "@mc/core";

/** Which kind of managed file a path was meant to name: a config target's or a log target's. */
export type ManagedFileKind = "config" | "log";

/**
 * Builds the refusal of a managed path: a DeniedError with code `config_path_refused` (or
 * `log_path_refused` for a log file, so a client is not told to fix a config target) whose
 * message names the rule that failed.
 * @param rule - short machine-readable rule name, e.g. `outside_roots`
 * @param message - the sentence returned to the caller
 * @param data - extra structured details (path, target, …)
 * @param kind - what the path was for; `config` by default
 * @returns the error to throw
 */
export function pathRefusal(rule: string, message: string, data: Record<string, unknown> = {}, kind: ManagedFileKind = "config"): DeniedError {
  return new DeniedError(kind === "log" ? "log_path_refused" : "config_path_refused", message, { ...data, rule });
}
