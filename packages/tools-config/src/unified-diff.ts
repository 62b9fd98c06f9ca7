import { FILE_HEADERS_ONLY, formatPatch, type StructuredPatch, structuredPatch } from "diff";

/** Edit distance (in lines) beyond which the diff falls back to "replace every line". */
const MAX_EDIT_LENGTH = 2_000;

/** Time the line diff may take before it falls back, in milliseconds. */
const DIFF_TIMEOUT_MS = 1_000;

/**
 * A unified diff (3 lines of context, `---`/`+++` headers, no `Index:` line) from one content to
 * another. Myers' diff is quadratic in the number of changed lines, so two unrelated 128 KiB files
 * would take seconds: past {@link MAX_EDIT_LENGTH} changed lines or {@link DIFF_TIMEOUT_MS}, the
 * diff is one hunk that removes every old line and adds every new one — still a correct patch.
 * @param path - the file's path, used as both file names
 * @param oldText - current content
 * @param newText - new content
 * @param oldLabel - header of the old side, e.g. `current`
 * @param newLabel - header of the new side, e.g. `new`
 * @returns the patch text; empty when the contents are equal
 */
export function unifiedDiff(path: string, oldText: string, newText: string, oldLabel: string, newLabel: string): string {
  if (oldText === newText) return "";
  const patch = structuredPatch(path, path, oldText, newText, oldLabel, newLabel, { context: 3, maxEditLength: MAX_EDIT_LENGTH, timeout: DIFF_TIMEOUT_MS });
  if (patch !== undefined) return formatPatch(patch, FILE_HEADERS_ONLY);
  // Diffs against an empty side are linear, so these two cannot give up.
  const removal = structuredPatch(path, path, oldText, "", oldLabel, newLabel, { context: 0 });
  const addition = structuredPatch(path, path, "", newText, oldLabel, newLabel, { context: 0 });
  const removed = removal.hunks[0];
  const added = addition.hunks[0];
  const whole: StructuredPatch = {
    ...removal,
    hunks: [
      {
        oldStart: 1,
        oldLines: removed?.oldLines ?? 0,
        newStart: 1,
        newLines: added?.newLines ?? 0,
        lines: [...(removed?.lines ?? []), ...(added?.lines ?? [])],
      },
    ],
  };
  return formatPatch(whole, FILE_HEADERS_ONLY);
}
