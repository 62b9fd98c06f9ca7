import { createHash } from "node:crypto";
import { realpathSync, statSync, type BigIntStats } from "node:fs";
import { resolve } from "node:path";
import { defaultPolicy, failedPolicy, loadPolicyBytes, type LoadPolicyOptions } from "./load-policy.js";
import type { LoadedPolicy } from "./loaded-policy.js";
import { hasOpenWriters } from "./open-writers.js";
import { readPolicyFile } from "./read-policy-file.js";

/**
 * A file changed in place (same inode as the policy in force) is adopted only once its ctime is
 * this old: a writer that truncates and rewrites it changes the ctime with every write, and
 * ctime (unlike mtime) cannot be set back by `touch`/utimes.
 */
export const POLICY_QUIET_MS = 1_000;

/** How long the very first load waits for a file that is being written before it fails closed. */
export const POLICY_FIRST_LOAD_WAIT_MS = 2_000;

/**
 * While the adopted file's ctime is this recent, its bytes are hashed again on every call: a
 * rewrite within one tick of the kernel's coarse file clock can leave the whole stat unchanged.
 */
const RACY_WINDOW_MS = 2_000;

/** An unstable candidate with an unchanged stat is not examined again (read, /proc walk) within this time. */
const RECHECK_MS = 100;

const FIRST_LOAD_POLL_MS = 25;

/** A policy that follows its file: re-read when it changes, without a restart, never from a torn file. */
export interface PolicySource {
  /** The policy file's path. */
  readonly path: string;
  /**
   * The policy in force now. Stats the file on every call; a changed file is read and adopted
   * only once it is stable (see {@link createPolicySource}); until then the last policy stays in
   * force. Re-parses only when the sha256 changed.
   * @returns the current policy (the same object while the file is unchanged)
   */
  current(): LoadedPolicy;
}

/**
 * Creates a policy source for a file that may appear, change or disappear at any time.
 *
 * A changed regular file is adopted only when it is stable, so a rewrite in place (truncate, then
 * write) is never acted on half-written:
 * 1. if it is the same inode as the policy in force (changed in place), its ctime is at least
 *    {@link POLICY_QUIET_MS} old;
 * 2. its stat (inode, size, mtime, ctime in nanoseconds) is identical before and after the read,
 *    and the bytes read are exactly its size;
 * 3. no process holds it open for writing (a walk of /proc, see `hasOpenWriters`).
 * Until then calls keep the last policy (for the first load: wait up to
 * {@link POLICY_FIRST_LOAD_WAIT_MS}, then deny every tool until it settles). A file renamed into
 * place (a new inode, closed by its writer) is adopted at once. Absence, a refused file kind
 * (directory, FIFO, device, …), an unreadable or oversized file are taken at once: they fail
 * closed (or give the defaults, for an absent default path).
 * @param options - path, state dir, tools, and whether the path was named explicitly
 * @returns the source; nothing is read until the first `current()`
 */
export function createPolicySource(options: LoadPolicyOptions): PolicySource {
  const path = resolve(options.path);
  const explicit = options.explicit === true;
  let cached: LoadedPolicy | undefined;
  /** Stat key of the file behind `cached`, when it came from a stable read. */
  let adoptedKey: string | undefined;
  let adoptedFile: { dev: bigint; ino: bigint } | undefined;
  let adoptedCtimeMs = 0;
  let rejected: { key: string; at: number } | undefined;

  function adopt(policy: LoadedPolicy, stats?: BigIntStats): LoadedPolicy {
    cached = policy;
    adoptedKey = stats === undefined ? undefined : statKey(stats);
    adoptedFile = stats === undefined ? undefined : { dev: stats.dev, ino: stats.ino };
    adoptedCtimeMs = stats === undefined ? 0 : Number(stats.ctimeNs / 1_000_000n);
    rejected = undefined;
    return policy;
  }

  /** One look at the file: a policy to adopt, or "unstable" (keep the last one). */
  function examine(): LoadedPolicy | "unstable" {
    let stats: BigIntStats | undefined;
    try {
      stats = statSync(path, { bigint: true });
    } catch {
      stats = undefined;
    }
    if (stats === undefined || !stats.isFile()) {
      const read = readPolicyFile(path, { explicit });
      if (read.kind === "absent") return cached?.source === "defaults" ? cached : adopt(defaultPolicy(options));
      if (read.kind === "refused") return adopt(failedPolicy(path, [read.diagnostic]));
      // It became a regular file between the two looks: take it on the next call.
      return "unstable";
    }
    const key = statKey(stats);
    const now = Date.now();
    if (cached !== undefined && key === adoptedKey && now - adoptedCtimeMs > RACY_WINDOW_MS) return cached;
    if (rejected !== undefined && rejected.key === key && now - rejected.at < RECHECK_MS) return "unstable";
    const reject = (): "unstable" => {
      rejected = { key, at: now };
      return "unstable";
    };

    const inPlace = adoptedFile !== undefined && adoptedFile.dev === stats.dev && adoptedFile.ino === stats.ino;
    if (inPlace && key !== adoptedKey && now - Number(stats.ctimeNs / 1_000_000n) < POLICY_QUIET_MS) return reject();

    const read = readPolicyFile(path, { explicit });
    if (read.kind === "absent") return adopt(defaultPolicy(options));
    if (read.kind === "refused") return adopt(failedPolicy(path, [read.diagnostic]));
    const readKey = statKey(read.before);
    if (readKey !== statKey(read.after) || BigInt(read.bytes.length) !== read.after.size) return reject();

    const sha256 = createHash("sha256").update(read.bytes).digest("hex");
    const unchanged = cached !== undefined && cached.source === "file" && cached.sha256 === sha256;
    // New bytes in the same inode (even under an unchanged stat, within one clock tick): wait for quiet.
    if (!unchanged && inPlace && now - Number(read.before.ctimeNs / 1_000_000n) < POLICY_QUIET_MS) return reject();
    // The racy re-hash of the policy in force found the same bytes: nothing to check again.
    if (unchanged && readKey === adoptedKey) return cached as LoadedPolicy;
    if (hasOpenWriters(realPath(path))) return reject();
    // The file must not have moved on while /proc was walked.
    let settled: BigIntStats;
    try {
      settled = statSync(path, { bigint: true });
    } catch {
      return reject();
    }
    if (statKey(settled) !== readKey) return reject();

    // A touch, or a rewrite with the same bytes, keeps the parsed object (and its identity).
    if (unchanged) return adopt(cached as LoadedPolicy, read.before);
    return adopt(loadPolicyBytes(read.bytes, options), read.before);
  }

  return {
    path,
    current(): LoadedPolicy {
      const found = examine();
      if (found !== "unstable") return found;
      if (cached !== undefined) return cached;
      // First load of a file that is being written: wait, bounded, for it to settle.
      const deadline = Date.now() + POLICY_FIRST_LOAD_WAIT_MS;
      while (Date.now() < deadline) {
        sleep(FIRST_LOAD_POLL_MS);
        rejected = undefined;
        const again = examine();
        if (again !== "unstable") return again;
      }
      // Denies every tool until the file settles; adopted without a key, so every call looks again.
      return adopt(
        failedPolicy(path, [
          {
            message: `${path}: the policy file is still being written (it keeps changing, or a process holds it open for writing); every tool is denied until it is stable`,
            file: path,
          },
        ]),
      );
    },
  };
}

function statKey(stats: BigIntStats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleep(milliseconds: number): void {
  Atomics.wait(sleeper, 0, 0, milliseconds);
}
