import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, lstat, mkdir, open, readdir, realpath, unlink } from "node:fs/promises";
import { join } from "node:path";
import { type ConfigTarget, InputError, ToolFailureError } from "@mc/core";
import { formatBackupId, parseBackupId } from "./backup-id.js";
import { MAX_CONFIG_FILE_BYTES, MAX_NAME_BYTES } from "./limits.js";
import { readVerifiedFile } from "./open-verified-file.js";
import { pathRefusal } from "./path-refusal.js";
import { resolveManagedPath } from "./resolve-managed-path.js";

/** One backup of a config file, as `listBackups` reports it. */
export interface BackupEntry {
  /** The backup's id (its file name); pass it to `restore_config_backup`. */
  backup_id: string;
  /** Real path of the file it is a copy of. */
  path: string;
  /** Name of the config target. */
  target: string;
  /** When it was taken, ISO 8601 UTC. */
  created_at: string;
  /** Its size in bytes. */
  bytes: number;
}

/** Options of {@link listBackups}. */
export interface ListBackupsOptions {
  /** mc's state directory. */
  stateDir: string;
  /** Config targets of the policy. */
  configTargets: readonly ConfigTarget[];
  /** The config file whose backups to list (it may no longer exist; its directory must). */
  path: string;
  /** The target, when the path alone is ambiguous. */
  target?: string | undefined;
}

const TARGET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * The backup directory of a target: `<state>/config-backups/<target>`.
 * @param stateDir - mc's state directory
 * @param targetName - the target
 * @returns its path
 * @throws ToolFailureError when the target name could not be a directory name
 */
export function backupDirectory(stateDir: string, targetName: string): string {
  if (!TARGET_NAME.test(targetName)) {
    throw new ToolFailureError(`config target name "${targetName}" cannot name a backup directory (allowed: letters, digits, _ . -)`);
  }
  return join(stateDir, "config-backups", targetName);
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Stores a copy of a file's current content. It is written to a temp name, fsynced, then
 * hard-linked to its final name (which fails instead of overwriting when the name exists, so a
 * counter is added) and the directory fsynced: a backup is whole or absent.
 * @param stateDir - mc's state directory
 * @param targetName - the file's target
 * @param path - real path of the file
 * @param content - the file's current bytes
 * @returns the backup id
 */
export async function createBackup(stateDir: string, targetName: string, path: string, content: Uint8Array): Promise<string> {
  const directory = backupDirectory(stateDir, targetName);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const createdAt = new Date();
  if (Buffer.byteLength(formatBackupId(createdAt, path, 999_999)) > MAX_NAME_BYTES) {
    throw new InputError(`path "${path.slice(0, 80)}…" is too long for a backup name (${MAX_NAME_BYTES} bytes once escaped); mc cannot back it up`, [
      { path: "path", message: "too long to back up" },
    ]);
  }
  const temp = join(directory, `.partial-${process.pid}-${randomBytes(6).toString("hex")}`);
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    for (let counter = 0; ; counter += 1) {
      const backupId = formatBackupId(createdAt, path, counter);
      try {
        await link(temp, join(directory, backupId));
        await syncDirectory(directory);
        return backupId;
      } catch (error) {
        if (!isErrno(error, "EEXIST") || counter >= 999_999) throw error;
      }
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Reads a backup that must belong to the given target and file.
 * @param stateDir - mc's state directory
 * @param targetName - the target the file belongs to
 * @param path - real path of the file being restored
 * @param backupId - untrusted backup id
 * @returns the backup's bytes
 * @throws InputError for a malformed id; DeniedError when it belongs to another file; ToolFailureError when missing
 */
export async function readBackup(stateDir: string, targetName: string, path: string, backupId: string): Promise<Buffer> {
  const parsed = parseBackupId(backupId);
  if (parsed === null) {
    throw new InputError(`backup_id "${backupId.slice(0, 120)}" is not a backup id (expected <UTC-ts>__<escaped path>.bak, no "/" or "..")`, [
      { path: "backup_id", message: "not a backup id" },
    ]);
  }
  if (parsed.path !== path) {
    throw pathRefusal(
      "backup_of_other_file",
      `backup "${backupId}" is a copy of "${parsed.path}", not of "${path}"; only a backup of the same file can be restored`,
      {
        path,
        backup_id: backupId,
      },
    );
  }
  // The state directory is root's, but read the backup the same proven way as a config file: a
  // symlink planted on its path or in place of the backup is refused, never followed.
  let directory: string;
  try {
    directory = await realpath(backupDirectory(stateDir, targetName));
  } catch (error) {
    if (!isErrno(error, "ENOENT")) throw error;
    throw new ToolFailureError(`backup "${backupId}" does not exist for target "${targetName}"`, { data: { backup_id: backupId, target: targetName } });
  }
  const file = await readVerifiedFile(join(directory, backupId), {
    maxBytes: MAX_CONFIG_FILE_BYTES,
    allowMissing: true,
    displayPath: `backup ${backupId}`,
    refuse: (_rule, message) => new ToolFailureError(message, { data: { backup_id: backupId, target: targetName } }),
  });
  if (file === null) {
    throw new ToolFailureError(`backup "${backupId}" does not exist for target "${targetName}"`, { data: { backup_id: backupId, target: targetName } });
  }
  return file.bytes;
}

/**
 * Lists the backups of one config file, newest first.
 * @param options - state dir, config targets, the file's path (and target when ambiguous)
 * @returns the backups, newest first; empty when there are none
 * @throws InputError or DeniedError when the path is not a managed config path
 * @example
 * const backups = await listBackups({ stateDir, configTargets, path: "/etc/myapp/app.ini" });
 * // [{ backup_id: "20261125T071502.123Z__%2Fetc%2Fmyapp%2Fapp.ini.bak", path: "/etc/myapp/app.ini", target: "myapp", created_at: "2026-11-25T07:15:02.123Z", bytes: 42 }]
 */
export async function listBackups(options: ListBackupsOptions): Promise<BackupEntry[]> {
  const managed = await resolveManagedPath(options.path, options.configTargets, { targetName: options.target, purpose: "list" });
  const directory = backupDirectory(options.stateDir, managed.target.name);
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if (isErrno(error, "ENOENT")) return [];
    throw error;
  }
  const entries: { parsed: NonNullable<ReturnType<typeof parseBackupId>>; bytes: number }[] = [];
  for (const name of names) {
    const parsed = parseBackupId(name);
    if (parsed === null || parsed.path !== managed.path) continue;
    const stats = await lstat(join(directory, name)).catch(() => null);
    if (stats === null || !stats.isFile()) continue;
    entries.push({ parsed, bytes: stats.size });
  }
  entries.sort((left, right) => right.parsed.createdAt.getTime() - left.parsed.createdAt.getTime() || right.parsed.counter - left.parsed.counter);
  return entries.map(({ parsed, bytes }) => ({
    backup_id: parsed.backupId,
    path: parsed.path,
    target: managed.target.name,
    created_at: parsed.createdAt.toISOString(),
    bytes,
  }));
}
