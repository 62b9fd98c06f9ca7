import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type BigIntStats } from "node:fs";
import { resolve } from "node:path";
import type { PolicyDiagnostic } from "./policy-diagnostic.js";

/**
 * The largest policy file mc reads, in bytes (1 MiB). A real policy is a few KiB; the cap keeps
 * a file (or a link to a device) that never ends from filling memory.
 */
export const MAX_POLICY_BYTES = 1024 * 1024;

/** What reading a policy path found. */
export type PolicyFileRead =
  /** Nothing at the path (and no dangling link): the defaults apply, if the path was not named explicitly. */
  | { kind: "absent" }
  /** Something is at the path, but it is no policy mc will read: a load error. */
  | { kind: "refused"; diagnostic: PolicyDiagnostic }
  /** The bytes of a regular file, with its stat (nanosecond times) before and after the read. */
  | { kind: "read"; bytes: Buffer; before: BigIntStats; after: BigIntStats };

/**
 * Reads a policy file without ever blocking or reading without bound: the path is stat'ed first
 * and anything but a regular file (directory, FIFO, socket, device, dangling link) is refused
 * before it is opened; the file is then opened with O_NONBLOCK|O_NOCTTY, its descriptor is
 * checked to be that same regular file, and at most {@link MAX_POLICY_BYTES} + 1 bytes are read.
 * A symlink to a regular file is followed. Never throws.
 * @param path - the policy path
 * @param options - `explicit`: the path was named by the operator, so a missing file is an error
 * @returns absent, refused with a diagnostic, or the bytes with the file's stat before and after the read
 */
export function readPolicyFile(path: string, options: { explicit: boolean }): PolicyFileRead {
  const absolute = resolve(path);
  const refuse = (detail: string): PolicyFileRead => ({
    kind: "refused",
    diagnostic: { message: `${absolute}: cannot read the policy file: ${detail}`, file: absolute },
  });

  let before: BigIntStats;
  try {
    before = statSync(absolute, { bigint: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      if (isLink(absolute)) return refuse("it is a symbolic link to a file that does not exist");
      if (!options.explicit) return { kind: "absent" };
      return {
        kind: "refused",
        diagnostic: {
          message: `${absolute}: no such policy file (it was named explicitly; only the default policy path may be absent)`,
          file: absolute,
        },
      };
    }
    return refuse(errnoText(error));
  }
  const kind = fileKind(before);
  if (kind !== "regular file") return refuse(`it is a ${kind}, not a regular file`);
  if (before.size > BigInt(MAX_POLICY_BYTES)) return refuse(`it is ${before.size} bytes, over the ${MAX_POLICY_BYTES}-byte limit of a policy file`);

  let descriptor: number;
  try {
    // O_NONBLOCK: should the path be swapped for a FIFO after the stat, the open does not wait for a writer.
    descriptor = openSync(absolute, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    return refuse(errnoText(error));
  }
  try {
    const opened = fstatSync(descriptor, { bigint: true });
    const openedKind = fileKind(opened);
    if (openedKind !== "regular file") return refuse(`it is a ${openedKind}, not a regular file`);
    if (opened.ino !== before.ino || opened.dev !== before.dev) return refuse("it was replaced while being opened; try again");
    // Sized from the stat, grown only if the file grows meanwhile, never past the cap + 1.
    let buffer = Buffer.alloc(Math.min(Number(opened.size), MAX_POLICY_BYTES) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (buffer.length > MAX_POLICY_BYTES) break;
        const grown = Buffer.alloc(Math.min(buffer.length * 2, MAX_POLICY_BYTES + 1));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const count = readSync(descriptor, buffer, length, buffer.length - length, null);
      if (count === 0) break;
      length += count;
    }
    if (length > MAX_POLICY_BYTES) return refuse(`it is over the ${MAX_POLICY_BYTES}-byte limit of a policy file`);
    const after = fstatSync(descriptor, { bigint: true });
    return { kind: "read", bytes: buffer.subarray(0, length), before: opened, after };
  } catch (error) {
    return refuse(errnoText(error));
  } finally {
    closeSync(descriptor);
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function fileKind(stats: BigIntStats): string {
  if (stats.isFile()) return "regular file";
  if (stats.isDirectory()) return "directory";
  if (stats.isFIFO()) return "FIFO (named pipe)";
  if (stats.isSocket()) return "socket";
  if (stats.isCharacterDevice()) return "character device";
  if (stats.isBlockDevice()) return "block device";
  return "special file";
}

function errnoText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EISDIR") return "it is a directory, not a file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ELOOP") return "too many levels of symbolic links";
  if (code === "ENOTDIR") return "a component of the path is not a directory";
  return (error as Error).message;
}
