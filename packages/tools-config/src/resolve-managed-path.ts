import { lstat, realpath } from "node:fs/promises";
import { basename, dirname, normalize, relative } from "node:path";
import { compileGlob, type ConfigTarget, InputError, matchGlob, ToolFailureError } from "@mc/core";
import { MAX_CONFIG_FILE_BYTES, MAX_NAME_BYTES, MAX_PATH_LENGTH, TEMP_NAME_OVERHEAD } from "./limits.js";
import { inspectVerifiedEntry } from "./open-verified-file.js";
import { pathRefusal, type ManagedFileKind } from "./path-refusal.js";

/** What a caller means to do with the path; writes need a little more. */
export type ManagedPathPurpose = "read" | "write" | "list";

/** Identity of a file system object at resolution time, to notice a swap later. */
export interface FileIdentity {
  /** Device number. */
  dev: number;
  /** Inode number. */
  ino: number;
}

/** The file as it was when the path was resolved. */
export interface ExistingFile extends FileIdentity {
  /** Size in bytes. */
  size: number;
  /** Permission bits (`mode & 0o7777`). */
  mode: number;
  /** Owner. */
  uid: number;
  /** Group. */
  gid: number;
  /** Last modification. */
  mtime: Date;
}

/** What path resolution needs of a target: a config target, or a log target (`[[log_targets]]`). */
export type ManagedTarget = Pick<ConfigTarget, "name" | "roots" | "fileGlobs">;

/** A path that passed every path rule of the package README. */
export interface ManagedPath<TTarget extends ManagedTarget = ConfigTarget> {
  /** The path as the caller wrote it. */
  requestedPath: string;
  /** The real path (symlinks followed), inside `root`. */
  path: string;
  /** The one target that manages it. */
  target: TTarget;
  /** The (real) root of `target` it lies in. */
  root: string;
  /** `path` relative to `root`; it matched one of the target's globs. */
  relativePath: string;
  /** Real directory holding the file. */
  directory: string;
  /** Identity of `directory`, checked again when the directory is opened for a write. */
  directoryIdentity: FileIdentity;
  /** File name in `directory`. */
  name: string;
  /** The file, or null when it does not exist yet. */
  existing: ExistingFile | null;
}

/** Options of {@link resolveManagedPath}. */
export interface ResolveManagedPathOptions {
  /** Only this target may manage the path. */
  targetName?: string | undefined;
  /** read: the file must exist; write: it may be new; list: it may be gone. */
  purpose: ManagedPathPurpose;
  /** Largest file accepted, in bytes; default {@link MAX_CONFIG_FILE_BYTES}. A log reader that tails passes its own. */
  maxFileBytes?: number | undefined;
  /** What the files are (`log` → "every log target root", denial `log_path_refused`); default `config`. */
  targetKind?: ManagedFileKind | undefined;
}

function isErrno(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? "");
}

function isInside(root: string, candidate: string): boolean {
  return root === "/" ? candidate.startsWith("/") : candidate.startsWith(`${root}/`);
}

function describeKind(stats: {
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isSymbolicLink()) return "a symbolic link";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  return "not a regular file";
}

/**
 * Characters refused anywhere in a path: C0 controls (newline and tab included), DEL, C1
 * controls, and the Unicode bidi and direction marks (U+061C, U+200E/F, U+202A–U+202E,
 * U+2066–U+2069). Such a name can make a listing, a diff header, an audit line or an approval
 * prompt show a human a different path than the one acted on.
 */
const UNSAFE_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/**
 * Checks the syntax rules that need no file system: a string without NUL, control or bidi
 * characters, well-formed, absolute, within PATH_MAX and NAME_MAX, no `..` segment.
 * @param path - untrusted path
 * @param purpose - writes need room for a temp file name
 * @throws InputError or DeniedError naming the rule
 */
function checkSyntax(path: string, purpose: ManagedPathPurpose, kind: ManagedFileKind): void {
  if (path.includes("\0")) throw new InputError("path contains a NUL byte", [{ path: "path", message: "contains a NUL byte" }]);
  const unsafe = UNSAFE_CHARACTER.exec(path);
  if (unsafe !== null) {
    const code = `U+${(unsafe[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
    throw new InputError(`path contains the control or bidirectional-format character ${code} at offset ${unsafe.index}; such names are refused`, [
      { path: "path", message: `contains the control or bidi character ${code}` },
    ]);
  }
  // An unpaired surrogate becomes U+FFFD in UTF-8: the name acted on would not be the one shown.
  if (Buffer.from(path, "utf8").toString("utf8") !== path) {
    throw new InputError("path contains an unpaired UTF-16 surrogate, which names no file", [{ path: "path", message: "not well-formed Unicode" }]);
  }
  if (!path.startsWith("/")) {
    throw new InputError(`path "${path}" is not absolute; ${kind} paths must start with "/"`, [{ path: "path", message: "must be an absolute path" }]);
  }
  if (path.length > MAX_PATH_LENGTH) {
    throw new InputError(`path is ${path.length} characters long; the limit is ${MAX_PATH_LENGTH}`, [{ path: "path", message: "too long" }]);
  }
  const segments = path.split("/");
  if (segments.includes("..")) throw pathRefusal("dot_dot", `path "${path}" contains a ".." segment; ".." is refused in ${kind} paths`, { path }, kind);
  const longest = Math.max(...segments.map((segment) => Buffer.byteLength(segment)));
  if (longest > MAX_NAME_BYTES) {
    throw new InputError(`path "${path.slice(0, 80)}…" has a name of ${longest} bytes; the limit is ${MAX_NAME_BYTES}`, [
      { path: "path", message: "name too long" },
    ]);
  }
  const name = segments.at(-1) ?? "";
  if (purpose === "write" && Buffer.byteLength(name) > MAX_NAME_BYTES - TEMP_NAME_OVERHEAD) {
    throw new InputError(
      `file name "${name.slice(0, 80)}…" is longer than ${MAX_NAME_BYTES - TEMP_NAME_OVERHEAD} bytes and leaves no room for the temp file of an atomic write`,
      [{ path: "path", message: "name too long to write" }],
    );
  }
}

/**
 * The real path of a file that may not exist yet: realpath of the whole path, or of its parent
 * plus the name when the file is missing (the parent must exist).
 */
async function realPathOf(path: string, knownRoots: readonly string[], kind: ManagedFileKind): Promise<{ real: string; exists: boolean }> {
  const refuse = (rule: string, message: string) => pathRefusal(rule, message, { path }, kind);
  try {
    return { real: await realpath(path), exists: true };
  } catch (error) {
    if (isErrno(error, "ELOOP")) throw refuse("symlink_loop", `path "${path}" runs into a symbolic link loop`);
    if (isErrno(error, "ENOTDIR")) throw refuse("not_a_directory", `path "${path}" has a component that is not a directory`);
    if (isErrno(error, "EACCES")) throw refuse("permission", `path "${path}" cannot be resolved: permission denied`);
    if (!isErrno(error, "ENOENT")) throw error;
  }
  const parent = dirname(path);
  let realParent: string;
  try {
    realParent = await realpath(parent);
  } catch (error) {
    const lexical = normalize(path);
    if (!knownRoots.some((root) => isInside(root, lexical))) {
      throw refuse("outside_roots", `path "${path}" is outside every ${kind} target root`);
    }
    if (isErrno(error, "ELOOP")) throw refuse("symlink_loop", `path "${path}" runs into a symbolic link loop`);
    throw refuse("parent_missing", `the directory of "${path}" does not exist; mc does not create directories`);
  }
  const real = realParent === "/" ? `/${basename(path)}` : `${realParent}/${basename(path)}`;
  try {
    const entry = await lstat(real);
    // realpath failed although something is there: a symlink whose target is missing.
    if (entry.isSymbolicLink()) throw refuse("dangling_symlink", `path "${path}" is a symbolic link to a missing file`);
    return { real, exists: true };
  } catch (error) {
    if (isErrno(error, "ENOENT")) return { real, exists: false };
    throw error;
  }
}

/**
 * Resolves a config path by the path rules of the package README and says which target manages it. A target
 * claims a path when the real path lies inside one of its (real) roots and, relative to that
 * root, matches one of its globs; exactly one target must claim it (or the named one must).
 * A path inside the roots of two targets that both claim it is refused as ambiguous.
 * @param path - the caller's path
 * @param targets - the config targets of the policy
 * @param options - the named target, and what the path is for
 * @returns the resolved path, its target and the file's current identity
 * @throws InputError for malformed paths; DeniedError (`config_path_refused`, or `log_path_refused` for `targetKind: "log"`) naming the failed rule
 */
export async function resolveManagedPath<TTarget extends ManagedTarget = ConfigTarget>(
  path: string,
  targets: readonly TTarget[],
  options: ResolveManagedPathOptions,
): Promise<ManagedPath<TTarget>> {
  const kind = options.targetKind ?? "config";
  const refuse = (rule: string, message: string, data: Record<string, unknown>) => pathRefusal(rule, message, data, kind);
  checkSyntax(path, options.purpose, kind);
  let candidates = targets;
  if (options.targetName !== undefined) {
    const named = targets.find((target) => target.name === options.targetName);
    if (named === undefined) {
      const known = targets.map((target) => target.name).join(", ") || "none";
      throw new InputError(`unknown ${kind} target "${options.targetName}"; known targets: ${known}`, [{ path: "target", message: `unknown ${kind} target` }]);
    }
    candidates = [named];
  }
  if (candidates.length === 0) throw refuse("no_targets", `no ${kind} targets are declared; mc manages no ${kind} files`, { path });

  const realRoots = await Promise.all(
    candidates.map(async (target) => {
      const roots: string[] = [];
      for (const root of target.roots) {
        // Roots are resolved by the policy; a relative one would depend on the cwd, so it manages nothing.
        if (!root.startsWith("/")) continue;
        try {
          roots.push(await realpath(root));
        } catch {
          // A root that does not exist manages nothing.
        }
      }
      return { target, roots };
    }),
  );
  const { real, exists } = await realPathOf(path, [...candidates.flatMap((target) => target.roots), ...realRoots.flatMap((entry) => entry.roots)], kind);

  const inRoot = realRoots
    .map(({ target, roots }) => ({ target, roots: roots.filter((root) => isInside(root, real)) }))
    .filter((entry) => entry.roots.length > 0);
  const where = options.targetName === undefined ? `every ${kind} target root` : `every root of target "${options.targetName}"`;
  if (inRoot.length === 0) throw refuse("outside_roots", `path "${path}" is outside ${where}`, { path, real_path: real });

  const claims = inRoot.flatMap(({ target, roots }) => {
    const root = roots.find((candidate) => target.fileGlobs.some((glob) => matchesFileGlob(glob, relative(candidate, real))));
    return root === undefined ? [] : [{ target, root }];
  });
  if (claims.length === 0) {
    const detail = inRoot.map(({ target }) => `target "${target.name}" (${target.fileGlobs.join(", ")})`).join(" or ");
    throw refuse("no_glob_match", `path "${path}" matches no file_globs of ${detail}`, { path, real_path: real });
  }
  if (claims.length > 1) {
    const names = claims.map(({ target }) => `"${target.name}"`).join(" and ");
    throw refuse("ambiguous_target", `path "${path}" is ambiguous: ${kind} targets ${names} both manage it; pass target to choose one`, {
      path,
      real_path: real,
      targets: claims.map(({ target }) => target.name),
    });
  }
  const [claim] = claims as [{ target: TTarget; root: string }];

  // The lstat of `real` would follow a directory on its path swapped for a symlink since realpath
  // ran (and did, about one time in eight under a swapping loop): reach the entry through the
  // directory's descriptor instead, after proving where that descriptor is.
  const inspected = await inspectVerifiedEntry(real, (detail) =>
    refuse("changed_during_check", `path "${path}" changed while it was being checked (${detail}); try again`, { path, real_path: real }),
  );
  let existing: ExistingFile | null = null;
  const entry = exists ? inspected.entry : null;
  if (entry !== null) {
    if (!entry.isFile()) throw refuse("not_regular_file", `path "${path}" is ${describeKind(entry)}, not a regular file`, { path, real_path: real });
    if (entry.nlink > 1) {
      // A second name may lie outside the root: reading would leak it, and it is not ours to manage.
      throw refuse("hard_linked", `path "${path}" has ${entry.nlink} hard links; mc manages only files with a single link`, { path, real_path: real });
    }
    const maxFileBytes = options.maxFileBytes ?? MAX_CONFIG_FILE_BYTES;
    if (entry.size > maxFileBytes) {
      throw refuse(
        "too_large",
        `path "${path}" is ${entry.size} bytes; ${kind} files are limited to ${maxFileBytes} bytes${maxFileBytes === MAX_CONFIG_FILE_BYTES ? " (128 KiB)" : ""}`,
        {
          path,
          real_path: real,
        },
      );
    }
    existing = { dev: entry.dev, ino: entry.ino, size: entry.size, mode: entry.mode & 0o7777, uid: entry.uid, gid: entry.gid, mtime: entry.mtime };
  } else if (options.purpose === "read") {
    throw new ToolFailureError(`${kind} file "${path}" does not exist`, { data: { path, real_path: real } });
  }
  const directory = dirname(real);
  return {
    requestedPath: path,
    path: real,
    target: claim.target,
    root: claim.root,
    relativePath: relative(claim.root, real),
    directory,
    directoryIdentity: inspected.directory,
    name: basename(real),
    existing,
  };
}

/**
 * Whether a path below a root matches a target's file glob. Hidden files never match a
 * wildcard (so mc's own `.name.mc-tmp-…` temp files are never targets); a glob the policy
 * should have refused matches nothing.
 */
function matchesFileGlob(pattern: string, relativePath: string): boolean {
  const compiled = compileGlob(pattern, { hideDotFiles: true });
  return compiled.ok && matchGlob(compiled.glob, relativePath);
}
