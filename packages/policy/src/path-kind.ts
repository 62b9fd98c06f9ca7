import { statSync } from "node:fs";

/**
 * Tells whether a path exists and is a directory, for the warnings about roots.
 * @param path - an absolute path
 * @returns "directory", "other" or "missing"
 */
export function pathKind(path: string): "directory" | "other" | "missing" {
  try {
    return statSync(path).isDirectory() ? "directory" : "other";
  } catch {
    return "missing";
  }
}
