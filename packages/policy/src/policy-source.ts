import { createHash } from "node:crypto";
import { readFileSync, statSync, type Stats } from "node:fs";
import { resolve } from "node:path";
import { defaultPolicy, failedPolicy, loadPolicyBytes, readErrorDiagnostic, type LoadPolicyOptions } from "./load-policy.js";
import type { LoadedPolicy } from "./loaded-policy.js";

const RACY_WINDOW_MS = 2_000;

/** A policy that follows its file: re-read when it changes, without a restart. */
export interface PolicySource {
  /** The policy file's path. */
  readonly path: string;
  /**
   * The policy in force now. Stats the file on every call; re-reads it only when its mtime,
   * size, ctime or inode changed (or it was modified in the last two seconds), and re-parses
   * only when its sha256 changed too.
   * @returns the current policy (the same object while the file is unchanged)
   */
  current(): LoadedPolicy;
}

/**
 * Creates a policy source for a file that may appear, change or disappear at any time.
 * @param options - path, state dir and tools
 * @returns the source; nothing is read until the first `current()`
 */
export function createPolicySource(options: LoadPolicyOptions): PolicySource {
  const path = resolve(options.path);
  let cached: LoadedPolicy | undefined;
  let statKey: string | undefined;

  return {
    path,
    current(): LoadedPolicy {
      let stats: Stats | undefined;
      try {
        stats = statSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
          statKey = undefined;
          cached = failedPolicy(path, [readErrorDiagnostic(path, error)]);
          return cached;
        }
      }
      if (stats === undefined) {
        if (cached === undefined || cached.source !== "defaults") cached = defaultPolicy(options);
        statKey = "missing";
        return cached;
      }
      const key = `${stats.mtimeMs}:${stats.size}:${stats.ctimeMs}:${stats.ino}`;
      // Like git's "racy" check: a file modified within the last seconds may change again
      // without its stat changing (coarse timestamps), so its bytes are hashed again.
      const settled = Date.now() - stats.mtimeMs > RACY_WINDOW_MS;
      if (cached !== undefined && key === statKey && settled) return cached;

      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (error) {
        statKey = undefined;
        cached = failedPolicy(path, [readErrorDiagnostic(path, error)]);
        return cached;
      }
      statKey = key;
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      // A touch, or a rewrite with the same bytes, keeps the parsed object (and its identity).
      if (cached !== undefined && cached.source === "file" && cached.sha256 === sha256) return cached;
      cached = loadPolicyBytes(bytes, options);
      return cached;
    },
  };
}
