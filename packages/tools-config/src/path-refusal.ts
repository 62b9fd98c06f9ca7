import { DeniedError } from "@mc/core";

/**
 * Builds the refusal of a config path: a DeniedError with code `config_path_refused` whose
 * message names the rule that failed.
 * @param rule - short machine-readable rule name, e.g. `outside_roots`
 * @param message - the sentence returned to the caller
 * @param data - extra structured details (path, target, …)
 * @returns the error to throw
 */
export function pathRefusal(rule: string, message: string, data: Record<string, unknown> = {}): DeniedError {
  return new DeniedError("config_path_refused", message, { ...data, rule });
}
