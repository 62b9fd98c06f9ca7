import { createHash } from "node:crypto";
import { defineTool, type ToolContext, ToolFailureError } from "@mc/core";
import * as v from "valibot";
import { configPathSchema, configTargetNameSchema } from "./config-tool-schemas.js";
import { MAX_CONFIG_FILE_BYTES } from "./limits.js";
import { readVerifiedFile, type VerifiedContent } from "./open-verified-file.js";
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
export async function readConfigFile(
  input: v.InferOutput<typeof readConfigFileInputSchema>,
  context: ToolContext,
): Promise<v.InferOutput<typeof readConfigFileOutputSchema>> {
  const managed = await resolveManagedPath(input.path, context.configTargets, { targetName: input.target, purpose: "read" });
  // Resolution proved the path; the read proves the descriptor: opened through the verified
  // directory and checked to be the same file at the same real path (see openVerifiedFile).
  const file = (await readVerifiedFile(managed.path, {
    maxBytes: MAX_CONFIG_FILE_BYTES,
    expected: managed.existing,
    displayPath: input.path,
  })) as VerifiedContent;
  let content: string;
  try {
    content = new TextDecoder("utf-8", { fatal: true }).decode(file.bytes);
  } catch {
    throw new ToolFailureError(`"${managed.path}" is not UTF-8 text`, { data: { path: managed.path } });
  }
  return {
    path: managed.path,
    target: managed.target.name,
    content,
    bytes: file.bytes.byteLength,
    sha256: createHash("sha256").update(file.bytes).digest("hex"),
    modified: file.stats.mtime.toISOString(),
  };
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
