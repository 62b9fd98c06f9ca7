import { approvalIdSchema, defineTool, type ToolContext } from "@mc/core";
import * as v from "valibot";
import { configPathSchema, configTargetNameSchema, writeResultSchema } from "./config-tool-schemas.js";
import { resolveManagedPath } from "./resolve-managed-path.js";
import { type WriteOutcome, writeManagedFile } from "./write-managed-file.js";
import type { WriteHooks } from "./write-step.js";

/** Arguments of `write_config_file`. */
export const writeConfigFileInputSchema = v.strictObject({
  path: configPathSchema,
  content: v.pipe(v.string("must be a string"), v.description("The complete new content (UTF-8, at most 128 KiB).")),
  target: configTargetNameSchema,
  dry_run: v.optional(v.pipe(v.boolean("must be a boolean"), v.description("Only return the diff and the validation; write nothing.")), false),
  approval_id: approvalIdSchema,
});

/**
 * Writes a managed config file (or, with `dry_run`, only diffs and validates).
 * @param input - path, content, target, dry_run
 * @param context - runner, state dir, config targets
 * @param hooks - test hooks; tools never pass any
 * @returns what was written, the diff, the backup id
 * @throws ToolFailureError with data `{ validation }` when the validator refuses the content
 */
export async function writeConfigFile(input: v.InferOutput<typeof writeConfigFileInputSchema>, context: ToolContext, hooks: WriteHooks = {}): Promise<WriteOutcome> {
  const managed = await resolveManagedPath(input.path, context.configTargets, { targetName: input.target, purpose: "write" });
  return writeManagedFile({ managed, content: Buffer.from(input.content, "utf8"), context, dryRun: input.dry_run, newLabel: "new", hooks });
}

/** `write_config_file`: validated, backed-up, atomic replacement of a managed config file. */
export const writeConfigFileTool = defineTool({
  name: "write_config_file",
  title: "Write config file",
  description:
    "Replaces a managed config file with new content after the target's validator accepts it: the old file is " +
    "backed up, the new one written to a temp file in the same directory and renamed over it, keeping mode and " +
    "owner. Returns the unified diff, the backup id (for restore_config_backup) and, for systemd units, that " +
    "daemon_reload is needed. dry_run: true returns diff and validation only and writes nothing. Invalid content " +
    "is refused with the validator's message and nothing is written.",
  risk: "privileged",
  input: writeConfigFileInputSchema,
  output: writeResultSchema,
  confirmationExempt: (input) => input.dry_run === true,
  run: (input, context) => writeConfigFile(input, context),
});
