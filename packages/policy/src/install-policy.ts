import { randomBytes, createHash } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  mkdirSync,
  fchownSync,
  fsyncSync,
  lstatSync,
  openSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeSync,
  type Stats,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { loadPolicyBytes, type LoadPolicyOptions } from "./load-policy.js";
import type { PolicyDiagnostics } from "./policy-diagnostic.js";
import { readPolicyFile } from "./read-policy-file.js";

/** Mode of a policy file that did not exist before: the owner (root) reads and writes it, nobody else. */
export const NEW_POLICY_MODE = 0o600;

/** What to install where. */
export interface InstallPolicyOptions extends Omit<LoadPolicyOptions, "path" | "explicit"> {
  /** The policy path to replace (a symlink to a regular file is followed: the link stays, its target is replaced). */
  path: string;
  /** The new policy text. */
  content: Buffer | string;
  /**
   * The sha256 (hex) of the policy the content was made from, or null when there was none: the
   * install is refused if the file at `path` is no longer that (someone changed it meanwhile).
   * Omit to replace whatever is there.
   */
  expectedSha256?: string | null;
}

/** What `installPolicy` did. */
export type InstallPolicyResult =
  /** Checked, written to a temp file, fsynced and renamed into place; the directory fsynced. */
  | { installed: true; path: string; sha256: string; diagnostics: PolicyDiagnostics }
  /** Nothing was written: the content does not load (`invalid`), the file changed meanwhile (`conflict`), or the target cannot be written (`target`). */
  | { installed: false; path: string; reason: "invalid" | "conflict" | "target"; message: string; diagnostics: PolicyDiagnostics };

/**
 * Installs a policy atomically, the way visudo does: the content is checked with the same loader
 * the runtime uses and refused if it has any error; then it is written to a temp file in the
 * policy's directory, fsynced, renamed over the policy, and the directory is fsynced — so a
 * reader sees the old file or the new one, never a part. An existing file keeps its mode and
 * owner; a new one gets {@link NEW_POLICY_MODE} (its directory is created 0700 if missing). No temp file is left behind on failure.
 * @param options - target path, content, state dir and tools (for the check), expected current hash
 * @returns installed with the diagnostics (warnings), or why nothing was written
 */
export function installPolicy(options: InstallPolicyOptions): InstallPolicyResult {
  const requested = resolve(options.path);
  const bytes = typeof options.content === "string" ? Buffer.from(options.content, "utf8") : options.content;

  let target = requested;
  let existing: Stats | undefined;
  try {
    const link = lstatSync(requested);
    if (link.isSymbolicLink()) target = realpathSync(requested);
    existing = lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return notWritten(requested, "target", `${requested}: ${(error as Error).message}`);
    if (lstatSync(requested, { throwIfNoEntry: false })?.isSymbolicLink()) {
      return notWritten(requested, "target", `${requested}: it is a symbolic link to a file that does not exist; install to a real path`);
    }
  }
  if (existing !== undefined && !existing.isFile())
    return notWritten(requested, "target", `${target}: it exists and is not a regular file; nothing was written`);

  const loaded = loadPolicyBytes(bytes, { stateDir: options.stateDir, tools: options.tools, path: requested });
  if (!loaded.ok) {
    return {
      installed: false,
      path: target,
      reason: "invalid",
      message: `${requested}: the new policy has ${loaded.diagnostics.errors.length} error(s); nothing was written`,
      diagnostics: loaded.diagnostics,
    };
  }

  if (options.expectedSha256 !== undefined) {
    const current = readPolicyFile(target, { explicit: false });
    const currentSha256 = current.kind === "read" ? createHash("sha256").update(current.bytes).digest("hex") : current.kind === "absent" ? null : "unreadable";
    if (currentSha256 !== options.expectedSha256) {
      return notWritten(target, "conflict", `${requested}: the policy changed since it was read; nothing was written (read it again and redo the change)`);
    }
  }

  const directory = dirname(target);
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    return notWritten(target, "target", `${directory}: cannot create the policy's directory: ${(error as Error).message}`);
  }
  const temporary = join(directory, `.${basename(target)}.mc-install-${process.pid}-${randomBytes(6).toString("hex")}`);
  let descriptor: number | undefined;
  try {
    descriptor = openSync(temporary, "wx", existing?.mode ?? NEW_POLICY_MODE);
    let written = 0;
    while (written < bytes.length) written += writeSync(descriptor, bytes, written, bytes.length - written);
    fchmodSync(descriptor, (existing?.mode ?? NEW_POLICY_MODE) & 0o7777);
    if (existing !== undefined && (existing.uid !== process.getuid?.() || existing.gid !== process.getgid?.())) {
      fchownSync(descriptor, existing.uid, existing.gid);
    }
    fsyncSync(descriptor);
    closeSync(descriptor);
    descriptor = undefined;
    renameSync(temporary, target);
  } catch (error) {
    if (descriptor !== undefined) closeSync(descriptor);
    try {
      unlinkSync(temporary);
    } catch {
      // Never created, or already renamed.
    }
    return notWritten(target, "target", `${target}: cannot install the policy: ${(error as Error).message}; the old policy is unchanged`);
  }
  // The rename is durable only once the directory entry is on disk.
  const directoryDescriptor = openSync(directory, "r");
  try {
    fsyncSync(directoryDescriptor);
  } finally {
    closeSync(directoryDescriptor);
  }
  return { installed: true, path: target, sha256: loaded.sha256 ?? "", diagnostics: loaded.diagnostics };
}

function notWritten(path: string, reason: "invalid" | "conflict" | "target", message: string): InstallPolicyResult {
  return { installed: false, path, reason, message, diagnostics: { ok: false, source: "file", path, errors: [{ message, file: path }], warnings: [] } };
}
