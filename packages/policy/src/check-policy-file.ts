import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadPolicyBytes, readErrorDiagnostic, type LoadPolicyOptions } from "./load-policy.js";
import type { PolicyDiagnostics } from "./policy-diagnostic.js";

/**
 * Checks one policy file, for `mc policy check FILE`. Unlike loading, a missing file is an
 * error here: the operator asked about that file.
 * @param path - the file to check
 * @param options - state dir (for `$STATE_DIR`) and the tools it may name
 * @returns diagnostics: ok only when the file exists and loads
 */
export function checkPolicyFile(path: string, options: Omit<LoadPolicyOptions, "path">): PolicyDiagnostics {
  const absolute = resolve(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolute);
  } catch (error) {
    const diagnostic =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? { message: `${absolute}: no such policy file`, file: absolute }
        : readErrorDiagnostic(absolute, error);
    return { ok: false, source: "file", path: absolute, errors: [diagnostic], warnings: [] };
  }
  return loadPolicyBytes(bytes, { ...options, path: absolute }).diagnostics;
}
