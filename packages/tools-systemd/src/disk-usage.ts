import { statfs } from "node:fs/promises";
import { defineTool, InputError, ToolFailureError } from "@mc/core";
import * as v from "valibot";

/** Longest path accepted (Linux PATH_MAX). */
const PATH_MAX = 4096;

const count = (description: string) => v.pipe(v.number(), v.integer(), v.minValue(0), v.description(description));

/**
 * C0 and C1 controls, DEL, and the Unicode bidi and direction marks: the path is echoed back to
 * the caller and a human, who must see the path that was asked about.
 */
const UNSAFE_PATH_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** An absolute path without `..` segments, control characters or bidi/direction marks. */
export const absolutePathSchema = v.pipe(
  v.string("must be a string"),
  v.nonEmpty("must not be empty"),
  v.maxLength(PATH_MAX, `must be at most ${PATH_MAX} characters`),
  v.startsWith("/", "must be an absolute path"),
  v.check((value) => !UNSAFE_PATH_CHARACTER.test(value), "must not contain control characters or bidi/direction marks"),
  v.check((value) => !value.split("/").includes(".."), "must not contain '..' segments"),
);

/** Output of `disk_usage`. */
export const diskUsageOutputSchema = v.object({
  path: v.pipe(v.string(), v.description("The path asked about.")),
  total_bytes: count("Size of the filesystem holding the path."),
  free_bytes: count("Free space, including blocks reserved for root."),
  available_bytes: count("Space an unprivileged user can still use."),
  used_bytes: count("total - free."),
  used_percent: v.pipe(v.number(), v.minValue(0), v.maxValue(100), v.description("used / (used + available) × 100, 1 decimal, as df computes it.")),
  inodes_total: count("Inodes of the filesystem (0 where it has no fixed count)."),
  inodes_free: count("Free inodes."),
  inodes_used_percent: v.pipe(v.number(), v.minValue(0), v.maxValue(100), v.description("Used inodes in percent.")),
});

/** `disk_usage`: space and inodes of the filesystem holding a path, via statfs(2). */
export const diskUsageTool = defineTool({
  name: "disk_usage",
  title: "Disk usage",
  description:
    "Space and inodes of the filesystem that holds `path` (default /): total, free, available to users, used " +
    "(bytes) and used percent as df shows it. The path must exist.",
  risk: "read_only",
  input: v.strictObject({
    path: v.optional(v.pipe(absolutePathSchema, v.description("An existing absolute path; default /.")), "/"),
  }),
  output: diskUsageOutputSchema,
  async run(input) {
    // statfs follows the path as it is at this instant; a symlink swapped into it meanwhile only
    // changes which filesystem's totals are reported. That is no escape: disk_usage has no roots
    // and reports sizes and counts of a whole filesystem, never names or contents, for any
    // path a caller could name directly anyway. So there is no check-then-use to protect here.
    let stats: Awaited<ReturnType<typeof statfs>>;
    try {
      stats = await statfs(input.path, { bigint: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") {
        throw new InputError(`Invalid arguments for disk_usage: path: ${input.path} does not exist`, [
          { path: "path", message: `${input.path} does not exist` },
        ]);
      }
      throw new ToolFailureError(`Could not statfs ${input.path}: ${(error as Error).message}`, { cause: error });
    }
    const blockSize = stats.bsize;
    const total = stats.blocks * blockSize;
    const free = stats.bfree * blockSize;
    const available = stats.bavail * blockSize;
    const used = total - free;
    const usable = used + available;
    const inodesUsed = stats.files - stats.ffree;
    return {
      path: input.path,
      total_bytes: Number(total),
      free_bytes: Number(free),
      available_bytes: Number(available),
      used_bytes: Number(used),
      used_percent: usable > 0n ? Number((used * 1000n) / usable) / 10 : 0,
      inodes_total: Number(stats.files),
      inodes_free: Number(stats.ffree),
      inodes_used_percent: stats.files > 0n ? Number((inodesUsed * 1000n) / stats.files) / 10 : 0,
    };
  },
});
