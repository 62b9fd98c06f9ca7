import { approvalIdSchema, approvalWaitSchema, defineTool, type ToolContext } from "@mc/core";
import * as v from "valibot";
import { readBackup } from "./backup-store.js";
import { previewWrite } from "./preview-write.js";
import { configPathSchema, configTargetNameSchema, writeResultSchema } from "./config-tool-schemas.js";
import { resolveManagedPath } from "./resolve-managed-path.js";
import { type WriteOutcome, writeManagedFile } from "./write-managed-file.js";
import type { WriteHooks } from "./write-step.js";

/** Arguments of `restore_config_backup`. */
export const restoreConfigBackupInputSchema = v.strictObject({
  path: configPathSchema,
  backup_id: v.pipe(
    v.string("must be a string"),
    v.nonEmpty("must not be empty"),
    v.maxLength(255, "must be at most 255 characters"),
    v.description("A backup of this same file, as returned in backup_id by write_config_file or listed by `mc config backups PATH`."),
  ),
  target: configTargetNameSchema,
  approval_id: approvalIdSchema,
  approval_wait_s: approvalWaitSchema,
});

/** Result of `restore_config_backup`. */
export const restoreConfigBackupOutputSchema = v.object({
  ...writeResultSchema.entries,
  restored_from: v.pipe(v.string(), v.description("The backup id that was restored.")),
});

/**
 * Restores a backup of a managed config file: validated and written like a write, the current
 * content itself backed up first.
 * @param input - path, backup id, target
 * @param context - runner, state dir, config targets
 * @param hooks - test hooks; tools never pass any
 * @returns what was written, with the diff and the new backup's id
 * @throws DeniedError when the backup belongs to another file or target
 */
export async function restoreConfigBackup(
  input: v.InferOutput<typeof restoreConfigBackupInputSchema>,
  context: ToolContext,
  hooks: WriteHooks = {},
): Promise<WriteOutcome & { restored_from: string }> {
  const managed = await resolveManagedPath(input.path, context.configTargets, { targetName: input.target, purpose: "write" });
  const content = await readBackup(context.stateDir, managed.target.name, managed.path, input.backup_id);
  const outcome = await writeManagedFile({ managed, content, context, dryRun: false, newLabel: `backup ${input.backup_id}`, hooks });
  return { ...outcome, restored_from: input.backup_id };
}

/** `restore_config_backup`: puts a backup of a managed config file back. */
export const restoreConfigBackupTool = defineTool({
  name: "restore_config_backup",
  title: "Restore config backup",
  description:
    "Restores a backup of a managed config file. Only a backup of that same file and target is accepted. The " +
    "current content is backed up first, the backup's content validated and written atomically like " +
    "write_config_file. Returns the diff from the current content to the restored one.",
  risk: "privileged",
  input: restoreConfigBackupInputSchema,
  output: restoreConfigBackupOutputSchema,
  preview: async (input, context) => {
    const managed = await resolveManagedPath(input.path, context.configTargets, { targetName: input.target, purpose: "write" });
    const content = await readBackup(context.stateDir, managed.target.name, managed.path, input.backup_id);
    return previewWrite(managed, content, `backup ${input.backup_id}`);
  },
  run: (input, context) => restoreConfigBackup(input, context),
});
