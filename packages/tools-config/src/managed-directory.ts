import { constants, existsSync } from "node:fs";
import { type FileHandle, open, readlink, realpath } from "node:fs/promises";
import { pathRefusal } from "./path-refusal.js";
import type { ManagedPath } from "./resolve-managed-path.js";

/**
 * The directory of a managed file, held open for the whole write. Node has no `openat`, so
 * entries are reached through `/proc/self/fd/<fd>/<name>`: the kernel resolves that through
 * the open descriptor, so swapping a path component for a symlink after the check cannot
 * redirect the write elsewhere.
 */
export interface ManagedDirectory {
  /** Path of an entry of this directory that goes through the open descriptor. */
  entryPath(name: string): string;
  /**
   * Checks that the directory still sits at the real path it was resolved to (it was not
   * moved out of the root); called right before the rename.
   * @throws DeniedError when it moved
   */
  verifyLocation(): Promise<void>;
  /** Flushes the directory entry changes (rename) to disk. */
  sync(): Promise<void>;
  /** Closes the descriptor. */
  close(): Promise<void>;
}

const procFdAvailable = (() => {
  try {
    return existsSync("/proc/self/fd");
  } catch {
    return false;
  }
})();

function swapped(managed: ManagedPath, detail: string): Error {
  return pathRefusal(
    "changed_during_write",
    `the directory of "${managed.requestedPath}" changed while it was being written (${detail}); nothing was written`,
    {
      path: managed.requestedPath,
      real_path: managed.path,
    },
  );
}

/**
 * Opens the directory of a resolved path and proves it is the one that was checked.
 * @param managed - a resolved path
 * @returns the open directory
 * @throws DeniedError when the directory is not the one resolved (a swapped component)
 */
export async function openManagedDirectory(managed: ManagedPath): Promise<ManagedDirectory> {
  let handle: FileHandle;
  try {
    handle = await open(managed.directory, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (error) {
    throw swapped(managed, `cannot open it: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const currentLocation = async (): Promise<string> => (procFdAvailable ? readlink(`/proc/self/fd/${handle.fd}`) : realpath(managed.directory));
  try {
    const stats = await handle.stat();
    if (stats.dev !== managed.directoryIdentity.dev || stats.ino !== managed.directoryIdentity.ino) {
      throw swapped(managed, "another directory is now at its path");
    }
    if ((await currentLocation()) !== managed.directory) throw swapped(managed, "it moved");
  } catch (error) {
    await handle.close();
    throw error;
  }
  return {
    entryPath: (name) => (procFdAvailable ? `/proc/self/fd/${handle.fd}/${name}` : `${managed.directory}/${name}`),
    async verifyLocation() {
      if ((await currentLocation()) !== managed.directory) throw swapped(managed, "it moved");
      const stats = await handle.stat();
      if (!procFdAvailable) {
        const now = await open(managed.directory, constants.O_RDONLY | constants.O_DIRECTORY);
        const nowStats = await now.stat().finally(() => now.close());
        if (nowStats.ino !== stats.ino || nowStats.dev !== stats.dev) throw swapped(managed, "another directory is now at its path");
      }
    },
    sync: () => handle.sync(),
    close: () => handle.close(),
  };
}
