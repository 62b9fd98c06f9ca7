import type { Writable } from "node:stream";

/** Where a command writes; tests pass their own streams. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  /** Environment for `MC_*` settings. */
  env: Readonly<Record<string, string | undefined>>;
  /** Whether stdin is an interactive terminal (`--yes` needs one). */
  stdinIsTty: boolean;
}

/** Global options every command takes. */
export interface GlobalOptions {
  json?: boolean;
}

/**
 * Writes a value: JSON when `--json`, else the human text.
 * @param io - output streams
 * @param options - global options
 * @param value - the structured value
 * @param human - the text for people
 */
export function emit(io: CliIo, options: GlobalOptions, value: unknown, human: () => string): void {
  io.stdout.write(options.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}
