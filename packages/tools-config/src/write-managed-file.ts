import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lstat, open, readdir, rename, unlink } from "node:fs/promises";
import { type ToolContext, ToolFailureError } from "@mc/core";
import { createBackup } from "./backup-store.js";
import { type ValidationResult, validateConfigContent } from "./config-validation.js";
import { MAX_CONFIG_FILE_BYTES } from "./limits.js";
import { type ManagedDirectory, openManagedDirectory } from "./managed-directory.js";
import { readVerifiedFile } from "./open-verified-file.js";
import { pathRefusal } from "./path-refusal.js";
import type { ManagedPath } from "./resolve-managed-path.js";
import { isSystemdUnitFile, systemdScopeOf } from "./systemd-unit-file.js";
import { unifiedDiff } from "./unified-diff.js";
import { reachStep, type WriteHooks } from "./write-step.js";

/** What a write (or restore, or dry run) did. */
export interface WriteOutcome {
  /** Real path of the file. */
  path: string;
  /** Its config target. */
  target: string;
  /** Whether the file was replaced (false for a dry run, or when the content was unchanged). */
  written: boolean;
  /** Whether this was a dry run. */
  dry_run: boolean;
  /** Unified diff from the current content to the new one (empty when unchanged). */
  diff: string;
  /** Backup of the previous content, when there was one and the file was written. */
  backup_id?: string;
  /** Size of the new content in bytes. */
  bytes: number;
  /** The validator's verdict. */
  validation: ValidationResult;
  /** A systemd unit was written: systemd needs `daemon-reload` to see it. */
  daemon_reload_needed: boolean;
  /** What to do next, when something is left to do. */
  next_steps?: string[];
}

/** One write of new bytes to a resolved config path. */
export interface WriteRequest {
  /** The resolved path. */
  managed: ManagedPath;
  /** New content. */
  content: Uint8Array;
  /** Tool context: runner, state dir. */
  context: ToolContext;
  /** Compute diff and validation only. */
  dryRun: boolean;
  /** Label of the new side of the diff, e.g. `new` or `backup <id>`. */
  newLabel: string;
  /** Test hooks. */
  hooks?: WriteHooks;
}

interface CurrentFile {
  content: Buffer;
  mode: number;
  uid: number;
  gid: number;
}

const STALE_TEMP_AGE_MS = 60 * 60 * 1000;

function errnoCode(error: unknown): string | undefined {
  return error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
}

/**
 * Reads the current file (for the diff, dry runs included, and the backup) with the one safe
 * open every reader shares: through the proven directory, the descriptor checked to be a lone
 * regular file at the real path. Its identity may differ from resolution's (another writer may
 * have replaced it), but never its location.
 */
async function readCurrent(managed: ManagedPath): Promise<CurrentFile | null> {
  const file = await readVerifiedFile(managed.path, {
    maxBytes: MAX_CONFIG_FILE_BYTES,
    allowMissing: true,
    operation: "write",
    displayPath: managed.requestedPath,
  });
  if (file === null) return null;
  return { content: file.bytes, mode: file.stats.mode & 0o7777, uid: file.stats.uid, gid: file.stats.gid };
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return errnoCode(error) === "ESRCH";
  }
}

/**
 * Removes temp files of this file left by writers that died (their pid is gone) or that are older
 * than an hour, so a crash never leaves litter that grows; a fresh random O_EXCL name means a
 * leftover could never make a write fail anyway.
 */
async function removeStaleTemps(directory: ManagedDirectory, name: string): Promise<void> {
  const prefix = `.${name}.mc-tmp-`;
  let entries: string[];
  try {
    entries = await readdir(directory.entryPath(""));
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-[0-9a-f]+$/.exec(entry.slice(prefix.length))?.[1] ?? Number.NaN);
    const stats = await lstat(directory.entryPath(entry)).catch(() => null);
    if (stats === null || stats.isDirectory()) continue;
    const stale = (Number.isInteger(pid) && pid !== process.pid && processIsGone(pid)) || Date.now() - stats.mtimeMs > STALE_TEMP_AGE_MS;
    if (stale) await unlink(directory.entryPath(entry)).catch(() => undefined);
  }
}

function decodeLossy(content: Uint8Array): string {
  return new TextDecoder("utf-8").decode(content);
}

function nextStepsFor(managed: ManagedPath, written: boolean, unit: boolean): string[] | undefined {
  if (!unit) return undefined;
  const scope = systemdScopeOf(managed.path);
  const reload = `run daemon_reload with scope "${scope}" so systemd loads the changed unit file`;
  return written ? [reload, "then reload_service or restart_service the unit to apply it"] : [`after writing: ${reload}`];
}

/**
 * The write path (package README): validate → back up the current file → temp file in the same
 * directory (O_EXCL, mode and owner of the original or 0644) → fsync → rename over the original →
 * fsync the directory. Every file operation goes through the directory opened and proven at the
 * start, so a component swapped for a symlink meanwhile cannot redirect it.
 * @param request - resolved path, content, context, dry-run flag
 * @returns what was done, with the diff
 * @throws ToolFailureError (data `{ validation }`) when the validator refuses the content
 */
export async function writeManagedFile(request: WriteRequest): Promise<WriteOutcome> {
  const { managed, content, context } = request;
  const hooks = request.hooks ?? {};
  if (content.byteLength > MAX_CONFIG_FILE_BYTES) {
    throw pathRefusal(
      "too_large",
      `new content for "${managed.requestedPath}" is ${content.byteLength} bytes; config files are limited to ${MAX_CONFIG_FILE_BYTES} bytes (128 KiB)`,
      {
        path: managed.path,
      },
    );
  }
  await reachStep("after-resolve", hooks);
  const directory = await openManagedDirectory(managed);
  let tempName: string | undefined;
  try {
    const current = await readCurrent(managed);
    const validation = await validateConfigContent(managed.target, managed.name, managed.path, content, context);
    await reachStep("after-validate", hooks);
    const unchanged = current !== null && Buffer.compare(current.content, content) === 0;
    const diff = unchanged
      ? ""
      : unifiedDiff(
          managed.path,
          current === null ? "" : decodeLossy(current.content),
          decodeLossy(content),
          current === null ? "(new file)" : "current",
          request.newLabel,
        );
    const unit = isSystemdUnitFile(managed.path, managed.target);
    const base = { path: managed.path, target: managed.target.name, dry_run: request.dryRun, diff, bytes: content.byteLength, validation };
    if (request.dryRun) {
      const nextSteps = nextStepsFor(managed, false, unit && !unchanged);
      return { ...base, written: false, daemon_reload_needed: false, ...(nextSteps === undefined ? {} : { next_steps: nextSteps }) };
    }
    if (!validation.ok) {
      throw new ToolFailureError(
        `new content for "${managed.path}" failed validation (${validation.validator}): ${validation.message ?? "invalid"}; nothing was written`,
        {
          data: { path: managed.path, target: managed.target.name, validation },
        },
      );
    }
    if (unchanged) return { ...base, written: false, daemon_reload_needed: false };

    await removeStaleTemps(directory, managed.name);
    const backupId = current === null ? undefined : await createBackup(context.stateDir, managed.target.name, managed.path, current.content);
    await reachStep("after-backup", hooks);

    tempName = `.${managed.name}.mc-tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
    const temp = await open(directory.entryPath(tempName), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      await temp.writeFile(content);
      const owner = current ?? { uid: -1, gid: -1 };
      const stats = await temp.stat();
      if (current !== null && (stats.uid !== owner.uid || stats.gid !== owner.gid)) {
        try {
          await temp.chown(owner.uid, owner.gid);
        } catch (error) {
          throw new ToolFailureError(`cannot keep the owner ${owner.uid}:${owner.gid} of "${managed.path}": ${(error as Error).message}; nothing was written`, {
            cause: error,
          });
        }
      }
      // chmod after chown: chown clears set-id bits.
      await temp.chmod(current?.mode ?? 0o644);
      await temp.sync();
    } finally {
      await temp.close();
    }
    await reachStep("after-temp-write", hooks);
    await reachStep("before-rename", hooks);
    await directory.verifyLocation();
    await rename(directory.entryPath(tempName), directory.entryPath(managed.name));
    tempName = undefined;
    await directory.sync();
    await reachStep("after-rename", hooks);
    const nextSteps = nextStepsFor(managed, true, unit);
    return {
      ...base,
      written: true,
      ...(backupId === undefined ? {} : { backup_id: backupId }),
      daemon_reload_needed: unit,
      ...(nextSteps === undefined ? {} : { next_steps: nextSteps }),
    };
  } finally {
    if (tempName !== undefined) await unlink(directory.entryPath(tempName)).catch(() => undefined);
    await directory.close();
  }
}
