import { resolve } from "node:path";
import { McError } from "@mc/core";
import { EXIT, ExitError } from "../exit-error.js";
import { emit, type CliIo, type GlobalOptions } from "../io.js";
import { runtimeFromOptions } from "../runtime-from-options.js";
import { terminalCell, terminalLines, terminalText } from "../terminal-text.js";

/**
 * `mc config backups PATH`: the backups of one managed config file, newest first, with the ids
 * `restore_config_backup` takes.
 * @param io - streams
 * @param options - global options
 * @param path - the config file
 * @param backupOptions - `--target` when the path alone is ambiguous
 */
export async function configBackupsCommand(
  io: CliIo,
  options: GlobalOptions & { stateDir?: string; policy?: string },
  path: string,
  backupOptions: { target?: string },
): Promise<void> {
  const runtime = runtimeFromOptions(io, options);
  try {
    let backups;
    try {
      backups = await runtime.backups.list({ path: resolve(path), ...(backupOptions.target === undefined ? {} : { target: backupOptions.target }) });
    } catch (error) {
      if (McError.isInstance(error)) throw new ExitError(EXIT.failed, error.message, { code: error.code });
      throw error;
    }
    emit(io, options, { path: resolve(path), backups }, () =>
      backups.length === 0
        ? terminalText`no backups of ${resolve(path)}`
        : terminalLines(
            backups.map(
              (backup) => terminalText`${backup.backup_id}  ${backup.created_at}  ${terminalCell(backup.bytes, 7, "right")} bytes  (${backup.target})`,
            ),
          ),
    );
  } finally {
    await runtime.close();
  }
}
