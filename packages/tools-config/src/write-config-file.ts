import { approvalIdSchema, approvalWaitSchema, defineTool, InputError, McError, type ToolContext, validatorConfinement } from "@mc/core";
import * as v from "valibot";
import { configPathSchema, configTargetNameSchema, writeResultSchema } from "./config-tool-schemas.js";
import { validateConfigContent } from "./config-validation.js";
import { MAX_CONFIG_FILE_BYTES } from "./limits.js";
import { previewWrite } from "./preview-write.js";
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
  approval_wait_s: approvalWaitSchema,
});

/**
 * Writes a managed config file (or, with `dry_run`, only diffs and validates).
 * @param input - path, content, target, dry_run
 * @param context - runner, state dir, config targets
 * @param hooks - test hooks; tools never pass any
 * @returns what was written, the diff, the backup id
 * @throws ToolFailureError with data `{ validation }` when the validator refuses the content
 */
export async function writeConfigFile(
  input: v.InferOutput<typeof writeConfigFileInputSchema>,
  context: ToolContext,
  hooks: WriteHooks = {},
): Promise<WriteOutcome> {
  const managed = await resolveManagedPath(input.path, context.configTargets, { targetName: input.target, purpose: "write" });
  return writeManagedFile({ managed, content: Buffer.from(input.content, "utf8"), context, dryRun: input.dry_run, newLabel: "new", hooks });
}

/**
 * Whether a `write_config_file` call may skip approval: only a dry run, and only where it hands
 * the content to no validator that would run as root — that is, the targets it may resolve to
 * use syntax validators, or command validators run confined or unprivileged on this host.
 * @param input - validated arguments
 * @param context - the runner (its confinement is probed once) and the config targets
 * @returns true when no approval is needed
 */
export async function writeConfigFileExempt(input: v.InferOutput<typeof writeConfigFileInputSchema>, context: ToolContext): Promise<boolean> {
  if (input.dry_run !== true) return false;
  // The named target, or any target the path might resolve to.
  const candidates = input.target === undefined ? context.configTargets : context.configTargets.filter((target) => target.name === input.target);
  if (!candidates.some((target) => target.validator === "command")) return true;
  try {
    return (await validatorConfinement(context.runner)).unapprovedContentAllowed;
  } catch {
    return false;
  }
}

/**
 * Checks a `write_config_file` request before it is queued for approval: the path must resolve
 * and the content must pass the target's validator — a syntax validator always, a command
 * validator only where it runs confined (else it runs after approval, on approved content).
 * @param input - validated arguments
 * @param context - runner, state dir, config targets
 * @throws InputError (data `{ issues, validation }`) for invalid content; the path's refusal for a refused path
 */
export async function checkWriteConfigFile(input: v.InferOutput<typeof writeConfigFileInputSchema>, context: ToolContext): Promise<void> {
  const managed = await resolveManagedPath(input.path, context.configTargets, { targetName: input.target, purpose: "write" });
  const content = Buffer.from(input.content, "utf8");
  if (content.byteLength > MAX_CONFIG_FILE_BYTES) {
    throw new InputError(`new content is ${content.byteLength} bytes; config files are limited to ${MAX_CONFIG_FILE_BYTES} bytes (128 KiB)`, [
      { path: "content", message: "too large" },
    ]);
  }
  const verdict = await validateConfigContent(managed.target, managed.name, managed.path, content, context, { unapproved: true });
  if (!verdict.ok) {
    const { skipped: _skipped, ...validation } = verdict;
    // An input error (code input_invalid) that also carries the validator's verdict.
    throw new McError(
      "input_invalid",
      `new content for "${managed.path}" failed validation (${verdict.validator}): ${verdict.message ?? "invalid"}; no approval was requested`,
      {
        data: {
          issues: [{ path: "content", message: `failed validation (${verdict.validator})` }],
          path: managed.path,
          target: managed.target.name,
          validation,
        },
      },
    );
  }
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
  confirmationExempt: writeConfigFileExempt,
  check: checkWriteConfigFile,
  preview: async (input, context) => {
    const managed = await resolveManagedPath(input.path, context.configTargets, { targetName: input.target, purpose: "write" });
    return previewWrite(managed, Buffer.from(input.content, "utf8"), "new");
  },
  run: (input, context) => writeConfigFile(input, context),
});
