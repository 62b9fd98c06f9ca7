import * as v from "valibot";
import { MAX_PATH_LENGTH } from "./limits.js";

/** `path` argument: an absolute path to a managed config file. */
export const configPathSchema = v.pipe(
  v.string("must be a string"),
  v.nonEmpty("must not be empty"),
  v.maxLength(MAX_PATH_LENGTH, `must be at most ${MAX_PATH_LENGTH} characters`),
  v.description("Absolute path of the config file; symlinks are followed and the real path must lie in a config target's root and match its file_globs."),
);

/** Optional `target` argument: the config target's name, when a path alone is ambiguous. */
export const configTargetNameSchema = v.optional(
  v.pipe(
    v.string("must be a string"),
    v.nonEmpty("must not be empty"),
    v.maxLength(128, "must be at most 128 characters"),
    v.description("Name of the config target (see the policy); needed only when two targets manage the path."),
  ),
);

/** The validator's verdict, as results report it. */
export const validationSchema = v.object({
  ok: v.pipe(v.boolean(), v.description("Whether the validator accepted the content.")),
  validator: v.pipe(v.picklist(["ini_parse", "json_parse", "toml_parse", "command"]), v.description("The target's validator.")),
  message: v.optional(v.pipe(v.string(), v.description("Why the content is invalid."))),
});

/** Result of `write_config_file` (and the base of `restore_config_backup`'s). */
export const writeResultSchema = v.object({
  path: v.pipe(v.string(), v.description("Real path of the file (symlinks resolved).")),
  target: v.pipe(v.string(), v.description("The config target that manages it.")),
  written: v.pipe(v.boolean(), v.description("Whether the file was replaced; false for a dry run or unchanged content.")),
  dry_run: v.pipe(v.boolean(), v.description("Whether this was a dry run (nothing written, no backup).")),
  diff: v.pipe(v.string(), v.description("Unified diff from the current content to the new one; empty when unchanged.")),
  backup_id: v.optional(v.pipe(v.string(), v.description("Backup of the previous content; pass it to restore_config_backup to undo."))),
  bytes: v.pipe(v.number(), v.integer(), v.minValue(0), v.description("Size of the new content in bytes.")),
  validation: validationSchema,
  daemon_reload_needed: v.pipe(v.boolean(), v.description("A systemd unit file was written: run daemon_reload before it takes effect.")),
  next_steps: v.optional(v.pipe(v.array(v.string()), v.description("What is left to do, e.g. daemon_reload."))),
});
