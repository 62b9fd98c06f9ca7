import { constants, existsSync, type Stats } from "node:fs";
import { type FileHandle, lstat, open, readlink } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { ToolFailureError } from "@mc/core";
import { pathRefusal } from "./path-refusal.js";

/** Identity of a file system object (device and inode), to notice that another one took its place. */
export interface VerifiedIdentity {
  /** Device number. */
  dev: number;
  /** Inode number. */
  ino: number;
}

/** Why {@link openVerifiedFile} refused a file. */
export type VerifiedFileRule = "changed_during_read" | "changed_during_write" | "not_regular_file" | "hard_linked" | "too_large";

/** Options of {@link openVerifiedFile} and {@link readVerifiedFile}. */
export interface OpenVerifiedFileOptions {
  /** Largest size accepted, in bytes. */
  maxBytes: number;
  /** Identity the file had when it was checked; another file found at the path is refused. */
  expected?: VerifiedIdentity | null | undefined;
  /** Return null when the file does not exist instead of failing. */
  allowMissing?: boolean | undefined;
  /** What the caller is doing, for the refusal's rule and wording; default `read`. */
  operation?: "read" | "write" | undefined;
  /** The path as the caller wrote it, for messages; default the real path. */
  displayPath?: string | undefined;
  /**
   * Builds a refusal; default a DeniedError `config_path_refused` with the rule in its data.
   * @param rule - the rule that failed
   * @param message - the sentence for the caller
   * @param data - structured details
   * @returns the error to throw
   */
  refuse?: ((rule: VerifiedFileRule, message: string, data: Record<string, unknown>) => Error) | undefined;
}

/** A file opened and proven to be the one at the expected real path. */
export interface VerifiedFile {
  /** The open file (read-only); the caller closes it. */
  handle: FileHandle;
  /** fstat of the open descriptor: a regular file with one link, within the size cap. */
  stats: Stats;
  /** The real path it was verified to sit at. */
  path: string;
}

/** The bytes of a verified file. */
export interface VerifiedContent {
  /** The whole content (at most `maxBytes`). */
  bytes: Buffer;
  /** fstat of the descriptor the bytes were read from. */
  stats: Stats;
  /** The real path it was verified to sit at. */
  path: string;
}

const procFdAvailable = (() => {
  try {
    return existsSync("/proc/self/fd");
  } catch {
    return false;
  }
})();

function errnoCode(error: unknown): string | undefined {
  return error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
}

function requireProcFd(): void {
  // Without /proc the descriptor's location cannot be proven: refuse rather than trust the path.
  if (!procFdAvailable) throw new ToolFailureError("/proc/self/fd is not available; mc cannot prove which file it opened, so it reads none");
}

/**
 * Where an open descriptor currently is: the kernel's own path of the object (no symlinks in
 * it, " (deleted)" appended once unlinked).
 * @param fd - an open descriptor
 * @returns its path
 */
async function locationOf(fd: number): Promise<string> {
  return readlink(`/proc/self/fd/${fd}`);
}

/** A directory held open after proving it sits at its expected real path. */
interface VerifiedDirectory {
  /** The directory's fstat. */
  stats: Stats;
  /** Path of an entry reached through the open descriptor, not through the path's components. */
  entryPath(name: string): string;
  /** Closes it. */
  close(): Promise<void>;
}

/**
 * Opens a directory by its real path and proves the descriptor is that directory: the kernel
 * resolves every component again on open, so a component swapped for a symlink since the check
 * would land elsewhere — and `/proc/self/fd/<fd>` then names that elsewhere.
 * @param directory - the expected real path of the directory
 * @param changed - builds the refusal when it is not there
 * @returns the open, verified directory
 */
async function openVerifiedDirectory(directory: string, changed: (detail: string) => Error): Promise<VerifiedDirectory> {
  requireProcFd();
  let handle: FileHandle;
  try {
    handle = await open(directory, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    throw changed(`its directory cannot be opened: ${errnoCode(error) ?? String(error)}`);
  }
  try {
    const location = await locationOf(handle.fd);
    if (location !== directory) throw changed("a directory on its path was swapped");
    const stats = await handle.stat();
    return { stats, entryPath: (name) => `/proc/self/fd/${handle.fd}/${name}`, close: () => handle.close() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function refusalsFor(realPath: string, options: OpenVerifiedFileOptions) {
  const display = options.displayPath ?? realPath;
  const write = options.operation === "write";
  const refuse = options.refuse ?? ((rule: VerifiedFileRule, message: string, data: Record<string, unknown>) => pathRefusal(rule, message, data));
  const data = { path: realPath };
  return {
    display,
    refuse: (rule: VerifiedFileRule, message: string) => refuse(rule, message, data),
    changed: (detail: string) =>
      refuse(
        write ? "changed_during_write" : "changed_during_read",
        write
          ? `"${display}" changed while it was being written (${detail}); nothing was written`
          : `"${display}" changed while it was being read (${detail}); try again`,
        data,
      ),
    becameLink: () =>
      refuse(
        write ? "changed_during_write" : "changed_during_read",
        write
          ? `"${display}" became a symbolic link while it was being written; nothing was written`
          : `"${display}" became a symbolic link while it was being read; try again`,
        data,
      ),
  };
}

/**
 * Opens a file for reading and proves that the open descriptor is the file at `realPath`: the
 * directory is opened and its descriptor's location checked, the file is opened through that
 * descriptor (`/proc/self/fd/<dir>/<name>`, O_NOFOLLOW, O_NONBLOCK so a FIFO cannot block), and
 * then the file descriptor itself is checked — its location must be `realPath`, it must be a
 * regular file with one link, within `maxBytes`, and (when given) the identity seen at the check.
 * A symlink or directory swapped in at any moment is refused, never followed.
 * @param realPath - the file's real path (absolute, normalized, no symlinks), as checked
 * @param options - size cap, expected identity, whether a missing file is fine, wording
 * @returns the open file (the caller closes `handle`), or null when it is missing and `allowMissing`
 * @throws DeniedError (`config_path_refused`, or the `refuse` option's error) naming the rule; ToolFailureError when missing or unopenable
 */
export async function openVerifiedFile(realPath: string, options: OpenVerifiedFileOptions): Promise<VerifiedFile | null> {
  const refusals = refusalsFor(realPath, options);
  const directory = await openVerifiedDirectory(dirname(realPath), refusals.changed);
  let handle: FileHandle;
  try {
    handle = await open(directory.entryPath(basename(realPath)), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    if (errnoCode(error) === "ENOENT") {
      if (options.allowMissing === true) return null;
      throw new ToolFailureError(`"${refusals.display}" does not exist`, { data: { path: realPath } });
    }
    if (errnoCode(error) === "ELOOP") throw refusals.becameLink();
    throw new ToolFailureError(`cannot open "${realPath}": ${(error as Error).message}`, { cause: error });
  } finally {
    await directory.close();
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw refusals.refuse("not_regular_file", `"${refusals.display}" is not a regular file`);
    if (stats.nlink > 1) throw refusals.refuse("hard_linked", `"${refusals.display}" has ${stats.nlink} hard links; mc manages only files with a single link`);
    if (stats.size > options.maxBytes) {
      throw refusals.refuse("too_large", `"${refusals.display}" is ${stats.size} bytes; the limit is ${options.maxBytes} bytes`);
    }
    if (options.expected !== null && options.expected !== undefined && (stats.dev !== options.expected.dev || stats.ino !== options.expected.ino)) {
      throw refusals.changed("another file is now at its path");
    }
    if ((await locationOf(handle.fd)) !== realPath) throw refusals.changed("the file opened is not at the path that was checked");
    return { handle, stats, path: realPath };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Reads a whole file opened by {@link openVerifiedFile}, never more than `maxBytes` even when
 * the file grows while it is read.
 * @param realPath - the file's real path, as checked
 * @param options - as for {@link openVerifiedFile}
 * @returns its bytes and fstat, or null when it is missing and `allowMissing`
 * @throws as {@link openVerifiedFile}; a refusal `too_large` when it grew past the cap
 */
export async function readVerifiedFile(realPath: string, options: OpenVerifiedFileOptions): Promise<VerifiedContent | null> {
  const file = await openVerifiedFile(realPath, options);
  if (file === null) return null;
  try {
    const buffer = Buffer.alloc(options.maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await file.handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > options.maxBytes) {
        throw refusalsFor(realPath, options).refuse(
          "too_large",
          `"${options.displayPath ?? realPath}" grew past ${options.maxBytes} bytes while it was being read`,
        );
      }
    }
    return { bytes: Buffer.from(buffer.subarray(0, length)), stats: file.stats, path: realPath };
  } finally {
    await file.handle.close();
  }
}

/** What {@link inspectVerifiedEntry} found. */
export interface VerifiedEntry {
  /** Identity of the directory, proven to sit at its real path. */
  directory: VerifiedIdentity;
  /** lstat of the entry reached through the directory's descriptor; null when there is none. */
  entry: Stats | null;
}

/**
 * lstat of a directory entry reached through the proven directory (see {@link openVerifiedFile}),
 * so the answer is about the entry at `realPath` and not about wherever a swapped symlink points.
 * @param realPath - real path of the entry
 * @param changed - builds the refusal when the directory is not at its path
 * @returns the directory's identity and the entry's lstat (null when missing)
 */
export async function inspectVerifiedEntry(realPath: string, changed: (detail: string) => Error): Promise<VerifiedEntry> {
  const directory = await openVerifiedDirectory(dirname(realPath), changed);
  try {
    let entry: Stats | null = null;
    try {
      entry = await lstat(directory.entryPath(basename(realPath)));
    } catch (error) {
      if (errnoCode(error) !== "ENOENT") throw error;
    }
    return { directory: { dev: directory.stats.dev, ino: directory.stats.ino }, entry };
  } finally {
    await directory.close();
  }
}
