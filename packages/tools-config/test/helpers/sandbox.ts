import { createHash } from "node:crypto";
import { link, lstat, mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type ConfigTarget, createCommandRunner, type ToolContext } from "@mc/core";
import { execa } from "execa";

/** A file system entry to create: text content, a directory, a symlink, a hard link or a FIFO. */
export type TreeEntry = string | { dir: true } | { symlink: string } | { hardlink: string } | { fifo: true };

/**
 * Creates a fresh temp directory (real path) for one suite.
 * @returns its absolute real path
 */
export async function makeSandbox(): Promise<string> {
  return realpath(await mkdtemp(join(tmpdir(), "mc-tools-config-")));
}

/**
 * Removes a sandbox.
 * @param sandbox - its path
 */
export async function removeSandbox(sandbox: string): Promise<void> {
  await rm(sandbox, { recursive: true, force: true });
}

/**
 * Builds a tree from an object map (keys are paths relative to `base`, in creation order).
 * @param base - directory to build in
 * @param tree - entries
 */
export async function buildTree(base: string, tree: Record<string, TreeEntry>): Promise<void> {
  for (const [relative, entry] of Object.entries(tree)) {
    const path = join(base, relative);
    await mkdir(dirname(path), { recursive: true });
    if (typeof entry === "string") await writeFile(path, entry);
    else if ("dir" in entry) await mkdir(path, { recursive: true });
    else if ("symlink" in entry) await symlink(entry.symlink, path);
    else if ("hardlink" in entry) await link(join(base, entry.hardlink), path);
    else await execa("mkfifo", [path]);
  }
}

/** One entry of a tree snapshot. */
export interface SnapshotEntry {
  type: "file" | "dir" | "symlink" | "other";
  size: number;
  mtimeMs: number;
  mode: number;
  sha256?: string;
  target?: string;
}

/**
 * Records every entry under a directory (symlinks not followed): type, size, mtime, mode, and a
 * hash of each file's content or each link's target.
 * @param base - the directory
 * @param skip - relative paths (and everything below) to leave out
 * @returns relative path → entry
 */
export async function snapshotTree(base: string, skip: readonly string[] = []): Promise<Record<string, SnapshotEntry>> {
  const result: Record<string, SnapshotEntry> = {};
  async function walk(relative: string): Promise<void> {
    const path = relative === "" ? base : join(base, relative);
    const stats = await lstat(path);
    const entry: SnapshotEntry = {
      type: stats.isFile() ? "file" : stats.isDirectory() ? "dir" : stats.isSymbolicLink() ? "symlink" : "other",
      size: stats.isDirectory() ? 0 : stats.size,
      mtimeMs: stats.mtimeMs,
      mode: stats.mode,
    };
    if (stats.isFile())
      entry.sha256 = createHash("sha256")
        .update(await readFile(path))
        .digest("hex");
    if (stats.isSymbolicLink()) entry.target = await readlink(path);
    result[relative === "" ? "." : relative] = entry;
    if (stats.isDirectory()) {
      for (const name of (await readdir(path)).sort()) {
        const child = relative === "" ? name : join(relative, name);
        if (!skip.includes(child)) await walk(child);
      }
    }
  }
  await walk("");
  return result;
}

/**
 * A tool context over real files with the host's command runner (or a prefixed one).
 * @param stateDir - mc's state dir for the test
 * @param configTargets - targets
 * @param prefix - runner prefix (the systemd harness)
 * @returns the context
 */
export function makeContext(stateDir: string, configTargets: readonly ConfigTarget[], prefix: readonly string[] = []): ToolContext {
  return { runner: createCommandRunner({ prefix }), stateDir, configTargets };
}

/**
 * Captures what a promise rejects with (or fails when it resolves).
 * @param promise - the call
 * @returns the rejection
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: string; data?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; data?: Record<string, unknown> };
  }
  throw new Error("expected the call to be refused, but it succeeded");
}

/**
 * A snapshot with one directory's mtime blanked (for a directory a step may use as scratch space).
 * @param snapshot - from snapshotTree
 * @param relative - the directory
 * @returns a copy
 */
export function ignoringMtimeOf(snapshot: Record<string, SnapshotEntry>, relative: string): Record<string, SnapshotEntry> {
  const copy = { ...snapshot };
  const entry = copy[relative];
  if (entry !== undefined) copy[relative] = { ...entry, mtimeMs: 0 };
  return copy;
}
