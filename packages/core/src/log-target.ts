/**
 * A set of log files `read_log_file` may read, as the policy's `[[log_targets]]` declares it
 * (roots already resolved to absolute paths). Like a config target, without a validator: mc
 * only reads these.
 */
export interface LogTarget {
  /** Unique name, e.g. `nginx`. */
  name: string;
  /** Human description. */
  description: string;
  /** Absolute directories; a file must resolve inside one of them. */
  roots: readonly string[];
  /** Globs relative to a root; a segment never crosses `/`. */
  fileGlobs: readonly string[];
}
