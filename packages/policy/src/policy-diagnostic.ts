/** One problem (or warning) found in a policy file. */
export interface PolicyDiagnostic {
  /** Self-contained text, starting with `file:line:column: key.path: ` when those are known. */
  message: string;
  /** The policy file. */
  file?: string;
  /** 1-based line of the offending key or value. */
  line?: number;
  /** 1-based column of the offending key or value. */
  column?: number;
  /** The key path, e.g. `tools.restart_service.allowed_scopes[1]`. */
  keyPath?: string;
}

/** What `mc doctor` and `mc policy check` report about a policy. */
export interface PolicyDiagnostics {
  /** True when the policy loaded (a missing file is ok: defaults apply). */
  ok: boolean;
  /** Where the rules came from: the file, or the built-in safe defaults when there is no file. */
  source: "file" | "defaults";
  /** The policy file's path (whether or not it exists). */
  path: string;
  /** Load errors; any of them makes every tool denied. */
  errors: PolicyDiagnostic[];
  /** Things that load but are probably not what the operator meant. */
  warnings: PolicyDiagnostic[];
}
