import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { defineTool, type ToolContext, ToolFailureError } from "@mc/core";
import * as v from "valibot";
import { configPathSchema, configTargetNameSchema } from "./config-tool-schemas.js";
import { MAX_CONFIG_FILE_BYTES } from "./limits.js";
import { pathRefusal } from "./path-refusal.js";
import { resolveManagedPath } from "./resolve-managed-path.js";

/** Arguments of `read_config_file`. */
export const readConfigFileInputSchema = v.strictObject({ path: configPathSchema, target: configTargetNameSchema });

/** Result of `read_config_file`. */
export const readConfigFileOutputSchema = v.object({
  path: v.pipe(v.string(), v.description("Real path of the file (symlinks resolved).")),
  target: v.pipe(v.string(), v.description("The config target that manages it.")),
  content: v.pipe(v.string(), v.description("The file's text (UTF-8).")),
  bytes: v.pipe(v.number(), v.integer(), v.minValue(0), v.description("Size in bytes.")),
  sha256: v.pipe(v.string(), v.description("SHA-256 of the bytes, hex.")),
  modified: v.pipe(v.string(), v.description("Last modification time, ISO 8601 UTC.")),
});

/**
 * Reads a managed config file.
 * @param input - path and optional target
 * @param context - config targets
 * @returns content, size, hash and modification time
 */
export async function readConfigFile(input: v.InferOutput<typeof readConfigFileInputSchema>, context: ToolContext): Promise<v.InferOutput<typeof readConfigFileOutputSchema>> {
  const managed = await resolveManagedPath(input.path, context.configTargets, { targetName: input.target, purpose: "read" });
  const existing = managed.existing as NonNullable<typeof managed.existing>;
  // O_NONBLOCK: a FIFO swapped in after the check must not block the open.
  const handle = await open(managed.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((error: unknown) => {
    throw new ToolFailureError(`cannot open "${managed.path}": ${(error as Error).message}`, { cause: error });
  });
  try {
    const stats = await handle.stat();
    if (stats.dev !== existing.dev || stats.ino !== existing.ino || !stats.isFile() || stats.nlink > 1) {
      throw pathRefusal("changed_during_read", `"${input.path}" changed while it was being read; try again`, { path: managed.path });
    }
    if (stats.size > MAX_CONFIG_FILE_BYTES) throw pathRefusal("too_large", `"${input.path}" is larger than 128 KiB`, { path: managed.path });
    const bytes = await handle.readFile();
    let content: string;
    try {
      content = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw new ToolFailureError(`"${managed.path}" is not UTF-8 text`, { data: { path: managed.path } });
    }
    return {
      path: managed.path,
      target: managed.target.name,
      content,
      bytes: bytes.byteLength,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      modified: stats.mtime.toISOString(),
    };
  } finally {
    await handle.close();
  }
}

/** `read_config_file`: the content of a managed config file. */
export const readConfigFileTool = defineTool({
  name: "read_config_file",
  title: "Read config file",
  description:
    "Reads a config file that a policy config target manages (at most 128 KiB, UTF-8). Returns its real path, " +
    "target, content, size, SHA-256 and modification time. Paths outside every target root, not matching the " +
    "target's file_globs, containing '..', or not regular files are refused with the rule that failed.",
  risk: "read_only",
  input: readConfigFileInputSchema,
  output: readConfigFileOutputSchema,
  run: readConfigFile,
});
