/** A backup id taken apart. */
export interface ParsedBackupId {
  /** The id (the backup file's name). */
  backupId: string;
  /** The real path of the file it is a copy of. */
  path: string;
  /** When it was taken. */
  createdAt: Date;
  /** Tie-breaker for backups within the same millisecond. */
  counter: number;
}

const BACKUP_ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z(?:-(\d{1,6}))?__(.+)\.bak$/;

/**
 * Escapes a path into one file name: `%` → `%25`, then `/` → `%2F`, so the mapping is reversible.
 * @param path - an absolute path
 * @returns the escaped form
 */
export function escapeBackupPath(path: string): string {
  return path.replaceAll("%", "%25").replaceAll("/", "%2F");
}

/**
 * Reverses {@link escapeBackupPath}.
 * @param escaped - an escaped path
 * @returns the path, or null when the text is not a valid escape (a lone `%`, a raw `/`)
 */
export function unescapeBackupPath(escaped: string): string | null {
  if (escaped.includes("/")) return null;
  let path = "";
  for (let index = 0; index < escaped.length; index += 1) {
    const character = escaped[index] as string;
    if (character !== "%") {
      path += character;
      continue;
    }
    const code = escaped.slice(index + 1, index + 3);
    if (code === "25") path += "%";
    else if (code === "2F") path += "/";
    else return null;
    index += 2;
  }
  return path;
}

/**
 * Formats a UTC time as in backup ids: `20261125T071502.123Z`.
 * @param date - the time
 * @returns the compact ISO form
 */
export function formatBackupTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "");
}

/**
 * Builds a backup id: `<UTC-ts>[-<counter>]__<escaped path>.bak`.
 * @param createdAt - when the backup is taken
 * @param path - the real path of the file
 * @param counter - 0, or a number that makes the id unique within the millisecond
 * @returns the id, which is also the backup's file name
 */
export function formatBackupId(createdAt: Date, path: string, counter = 0): string {
  return `${formatBackupTimestamp(createdAt)}${counter > 0 ? `-${counter}` : ""}__${escapeBackupPath(path)}.bak`;
}

/**
 * Parses a backup id; anything that is not exactly an id mc makes is rejected, including any
 * `/`, `..`-only name or NUL, so an id can never name a file outside its backup directory.
 * @param backupId - untrusted id
 * @returns its parts, or null when it is not a backup id
 */
export function parseBackupId(backupId: string): ParsedBackupId | null {
  if (backupId.includes("/") || backupId.includes("\0") || backupId.startsWith(".")) return null;
  const match = BACKUP_ID.exec(backupId);
  if (match === null) return null;
  const [, year, month, day, hour, minute, second, millis, counter, escaped] = match as unknown as string[];
  const path = unescapeBackupPath(escaped as string);
  if (path === null || !path.startsWith("/")) return null;
  const createdAt = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}Z`);
  if (Number.isNaN(createdAt.getTime())) return null;
  return { backupId, path, createdAt, counter: counter === undefined ? 0 : Number(counter) };
}
