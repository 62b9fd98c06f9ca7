import { DeniedError, defineTool, type LogTarget, type ToolContext } from "@mc/core";
import * as v from "valibot";
import { MAX_PATH_LENGTH } from "./limits.js";
import { openVerifiedFile, type VerifiedFile } from "./open-verified-file.js";
import { pathRefusal } from "./path-refusal.js";
import { resolveManagedPath } from "./resolve-managed-path.js";

/** How much of a log file's end is read, at most: 1 MiB. Older lines are never looked at. */
export const LOG_TAIL_BYTES = 1024 * 1024;
/** Longest line returned; a longer one is cut and ends in "…". */
export const LOG_LINE_MAX_CHARS = 4096;
/** Most characters returned in all lines together; older lines beyond it are left out. */
export const LOG_OUTPUT_MAX_CHARS = 256 * 1024;
/** Longest `grep` substring. */
export const LOG_GREP_MAX_LENGTH = 256;

/** Controls (newline, tab and NUL included), DEL and C1 controls: never part of one log line. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/u;

/** Arguments of `read_log_file`. */
export const readLogFileInputSchema = v.strictObject({
  path: v.pipe(
    v.string("must be a string"),
    v.nonEmpty("must not be empty"),
    v.maxLength(MAX_PATH_LENGTH, `must be at most ${MAX_PATH_LENGTH} characters`),
    v.description("Absolute path of the log file; symlinks are followed and the real path must lie in a [[log_targets]] root and match its file_globs."),
  ),
  lines: v.optional(
    v.pipe(
      v.number("must be a number"),
      v.integer("must be an integer"),
      v.minValue(1, "must be at least 1"),
      v.maxValue(1000, "must be at most 1000"),
      v.description("How many of the newest (matching) lines to return (1–1000, default 100)."),
    ),
    100,
  ),
  grep: v.optional(
    v.pipe(
      v.string("must be a string"),
      v.nonEmpty("must not be empty"),
      v.maxLength(LOG_GREP_MAX_LENGTH, `must be at most ${LOG_GREP_MAX_LENGTH} characters`),
      v.check((text) => !CONTROL_CHARACTER.test(text), "must not contain control characters"),
      v.description("Keep only lines containing this exact text (case-sensitive substring; not a regular expression)."),
    ),
  ),
});

/** Result of `read_log_file`. */
export const readLogFileOutputSchema = v.object({
  path: v.pipe(v.string(), v.description("Real path of the file (symlinks resolved).")),
  target: v.pipe(v.string(), v.description("The log target that allows it.")),
  size: v.pipe(v.number(), v.integer(), v.minValue(0), v.description("Size of the file in bytes when it was read.")),
  lines: v.pipe(v.array(v.string()), v.description("The newest matching lines, oldest first, without their newline.")),
  truncated: v.pipe(
    v.boolean(),
    v.description("Older lines were left out: more lines matched than `lines`, the output cap was reached, or the file is larger than the 1 MiB that is read."),
  ),
});

/**
 * Reads the last `LOG_TAIL_BYTES` of an open file, up to the size fstat gave (bytes appended
 * since are not read).
 * @param file - the verified, open file
 * @returns the bytes, and whether the read began after the file's start
 */
async function readTail(file: VerifiedFile): Promise<{ bytes: Buffer; fromStart: boolean }> {
  const size = file.stats.size;
  const start = Math.max(0, size - LOG_TAIL_BYTES);
  const buffer = Buffer.alloc(size - start);
  let length = 0;
  while (length < buffer.length) {
    const { bytesRead } = await file.handle.read(buffer, length, buffer.length - length, start + length);
    if (bytesRead === 0) break; // truncated meanwhile: keep what was there
    length += bytesRead;
  }
  return { bytes: buffer.subarray(0, length), fromStart: start === 0 };
}

/**
 * Picks the newest lines of a log's tail: the first line is dropped when the tail began
 * mid-file (it is likely partial), then `grep` filters, then the newest `count` within the
 * output cap are kept.
 * @param text - the decoded tail
 * @param fromStart - whether the tail is the whole file
 * @param count - how many lines at most
 * @param grep - substring a line must contain
 * @returns the lines (oldest first) and whether older ones were left out
 */
export function tailLines(text: string, fromStart: boolean, count: number, grep?: string): { lines: string[]; truncated: boolean } {
  const all = text.split("\n");
  if (all.at(-1) === "") all.pop();
  if (!fromStart) all.shift();
  const lines: string[] = [];
  let characters = 0;
  let truncated = !fromStart;
  for (let index = all.length - 1; index >= 0; index -= 1) {
    const line = (all[index] as string).replace(/\r$/, "");
    if (grep !== undefined && !line.includes(grep)) continue;
    const shown = line.length > LOG_LINE_MAX_CHARS ? `${line.slice(0, LOG_LINE_MAX_CHARS)}…` : line;
    if (lines.length === count || characters + shown.length > LOG_OUTPUT_MAX_CHARS) {
      truncated = true;
      break;
    }
    lines.push(shown);
    characters += shown.length;
  }
  return { lines: lines.reverse(), truncated };
}

/**
 * Reads the end of a log file that a policy `[[log_targets]]` entry allows.
 * @param input - path, lines, grep
 * @param context - the log targets of the policy
 * @returns the newest matching lines
 * @throws DeniedError `log_path_refused` (rule `no_log_targets`, `outside_roots`, `dot_dot`, …); InputError for malformed paths
 */
export async function readLogFile(
  input: v.InferOutput<typeof readLogFileInputSchema>,
  context: ToolContext,
): Promise<v.InferOutput<typeof readLogFileOutputSchema>> {
  const targets: readonly LogTarget[] = context.logTargets ?? [];
  const managed = await resolveManagedPath(input.path, targets, {
    purpose: "read",
    maxFileBytes: Number.MAX_SAFE_INTEGER,
    targetKind: "log",
  }).catch((error: unknown) => {
    // The same syntax rules ran first; only then does "no targets at all" get its own sentence.
    if (DeniedError.isInstance(error) && error.data.rule === "no_targets") {
      throw pathRefusal(
        "no_log_targets",
        "no log targets are declared: read_log_file reads only files under a [[log_targets]] root of the policy, and the policy declares none",
        { path: input.path },
        "log",
      );
    }
    throw error;
  });
  // Resolution proved the path; the open proves the descriptor (see openVerifiedFile).
  const file = (await openVerifiedFile(managed.path, {
    maxBytes: Number.MAX_SAFE_INTEGER,
    expected: managed.existing,
    displayPath: input.path,
    refuse: (rule, message, data) => pathRefusal(rule, message, data, "log"),
  })) as VerifiedFile;
  try {
    const { bytes, fromStart } = await readTail(file);
    const { lines, truncated } = tailLines(new TextDecoder("utf-8").decode(bytes), fromStart, input.lines, input.grep);
    return { path: managed.path, target: managed.target.name, size: file.stats.size, lines, truncated };
  } finally {
    await file.handle.close();
  }
}

/** `read_log_file`: the newest lines of a log file under a policy `[[log_targets]]` root. */
export const readLogFileTool = defineTool({
  name: "read_log_file",
  title: "Read log file",
  description:
    "Returns the newest `lines` (default 100, 1–1000) lines of a log file that a policy [[log_targets]] entry " +
    "allows (none by default), oldest first; `grep` keeps only lines containing that exact text (a substring, " +
    "not a regex). Only the last 1 MiB is read; lines over 4096 characters are cut. Paths outside every log " +
    "target root, not matching its file_globs, containing '..', or not regular files are refused with the rule.",
  risk: "read_only",
  input: readLogFileInputSchema,
  output: readLogFileOutputSchema,
  run: readLogFile,
});
