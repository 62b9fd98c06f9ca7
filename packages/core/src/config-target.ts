/** Validators a config target can name. */
export type ConfigValidatorKind = "ini_parse" | "json_parse" | "toml_parse" | "command";

/**
 * A set of config files mc may read and write, as the policy declares it (roots already
 * resolved to absolute paths).
 */
export interface ConfigTarget {
  /** Unique name, used in backups and audit, e.g. `managed_ini`. */
  name: string;
  /** Human description. */
  description: string;
  /** Absolute directories; a file must resolve inside one of them. */
  roots: readonly string[];
  /** Globs relative to a root; a segment never crosses `/`. */
  fileGlobs: readonly string[];
  /** How new content is checked before it is written. */
  validator: ConfigValidatorKind;
  /** argv for `validator = "command"`, with `{path}` standing for the file to check. */
  validatorCommand?: readonly string[];
}
