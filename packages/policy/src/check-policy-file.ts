import { resolve } from "node:path";
import { loadPolicy, type LoadPolicyOptions } from "./load-policy.js";
import type { PolicyDiagnostics } from "./policy-diagnostic.js";

/**
 * Checks one policy file, for `mc policy check FILE`. Unlike loading the default path, a missing
 * file is an error here: the operator asked about that file. The same reader as the runtime's,
 * so a FIFO, a device or an oversized file is refused without blocking.
 * @param path - the file to check
 * @param options - state dir (for `$STATE_DIR`) and the tools it may name
 * @returns diagnostics: ok only when the file exists and loads
 */
export function checkPolicyFile(path: string, options: Omit<LoadPolicyOptions, "path" | "explicit">): PolicyDiagnostics {
  return loadPolicy({ ...options, path: resolve(path), explicit: true }).diagnostics;
}
