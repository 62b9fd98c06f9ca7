// A command prefix that records what the tools run: put before every command (and before an
// inner prefix such as the systemd harness's exec.sh), it appends the tool's own argv to a log as
// one JSON array per line, then runs the whole command without a shell, with the same stdio and
// exit status. The red-team files that prove "no process started" or "this argument reached the
// program as one argument" read the log.
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The prefix to give the runtime, and what it recorded. */
export interface RecordingPrefix {
  /** argv to pass as the runtime's `commandPrefix`. */
  readonly prefix: string[];
  /** The argv lists recorded since the last call (the inner prefix left out), oldest first. */
  take(): string[][];
}

/**
 * Writes the recorder script into `dir` and returns the prefix that runs it.
 * @param dir - a private temp dir (the script and its log go there)
 * @param inner - a prefix to run the command through after recording (e.g. the harness exec)
 * @returns the prefix and the reader of its log
 */
export function recordingPrefix(dir: string, inner: readonly string[] = []): RecordingPrefix {
  const log = join(dir, "argv.log");
  const recorder = join(dir, "record.mjs");
  writeFileSync(
    recorder,
    [
      "#!/usr/bin/env node",
      'import { appendFileSync } from "node:fs";',
      'import { spawnSync } from "node:child_process";',
      "const [, , log, skip, ...argv] = process.argv;",
      // Records the tool's own argv (after the inner prefix), then runs the whole of it.
      'appendFileSync(log, JSON.stringify(argv.slice(Number(skip))) + "\\n");',
      'const result = spawnSync(argv[0], argv.slice(1), { stdio: "inherit" });',
      "process.exit(result.status ?? (result.error ? 127 : 1));",
      "",
    ].join("\n"),
  );
  chmodSync(recorder, 0o755);
  return {
    prefix: [process.execPath, recorder, log, String(inner.length), ...inner],
    take() {
      if (!existsSync(log)) return [];
      const lines = readFileSync(log, "utf8")
        .split("\n")
        .filter((line) => line.length > 0);
      rmSync(log);
      return lines.map((line) => JSON.parse(line) as string[]);
    },
  };
}
