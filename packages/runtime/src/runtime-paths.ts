import { redactUrl } from "@mc/core";
import { homedir, hostname } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** Where the runtime keeps its state, its policy and its database. */
export interface RuntimePaths {
  /** State directory: backups, managed configs, the embedded database. */
  stateDir: string;
  /** Policy file (at the default path it may not exist: then the safe defaults apply). */
  policyPath: string;
  /**
   * The policy path was named explicitly (option or `MC_POLICY_PATH`) and is not the default
   * `<state>/policy.toml`: then it must exist and be a regular file, or every tool is denied (a
   * typo never silently gives the defaults).
   */
  policyExplicit: boolean;
  /** libSQL URL of the database: `file:` for the embedded one, or `libsql:`/`http(s):`. */
  databaseUrl: string;
  /** The embedded database file, when the database is one (created with its directory if missing). */
  databasePath?: string;
  /**
   * This host's id (`MC_HOST_ID`, default the hostname): recorded on every approval and audit
   * event, and the only host whose approvals this mc claims and runs (docs/fleet.md).
   */
  hostId: string;
}

/** Explicit settings; each wins over the environment. */
export interface RuntimePathOptions {
  stateDir?: string;
  policyPath?: string;
  databaseUrl?: string;
  databasePath?: string;
  hostId?: string;
}

/**
 * Resolves paths the way docs/architecture.md says: explicit option → `MC_*` variable → default under the
 * XDG state home (`~/.local/state/master-control`).
 * @param options - explicit settings
 * @param env - environment to read `MC_STATE_DIR`, `MC_POLICY_PATH`, `MC_DB_PATH`, `MC_DB_URL`, `MC_HOST_ID`, `XDG_STATE_HOME`, `HOME` from
 * @returns absolute paths and the database URL
 */
export function resolveRuntimePaths(options: RuntimePathOptions = {}, env: Readonly<Record<string, string | undefined>> = process.env): RuntimePaths {
  const nonEmpty = (value: string | undefined) => (value === undefined || value === "" ? undefined : value);
  const home = nonEmpty(env.HOME) ?? homedir();
  const xdgState = nonEmpty(env.XDG_STATE_HOME);
  const stateHome = xdgState !== undefined && isAbsolute(xdgState) ? xdgState : join(home, ".local", "state");
  const stateDir = resolve(options.stateDir ?? nonEmpty(env.MC_STATE_DIR) ?? join(stateHome, "master-control"));
  const namedPolicy = options.policyPath ?? nonEmpty(env.MC_POLICY_PATH);
  const defaultPolicyPath = join(stateDir, "policy.toml");
  const policyPath = resolve(namedPolicy ?? defaultPolicyPath);
  // Naming the default path itself is no reason to require it: it may be absent either way.
  const policyExplicit = namedPolicy !== undefined && policyPath !== defaultPolicyPath;
  const hostId = options.hostId ?? nonEmpty(env.MC_HOST_ID) ?? hostname();
  const explicitUrl = options.databaseUrl ?? (options.databasePath === undefined ? nonEmpty(env.MC_DB_URL) : undefined);
  if (explicitUrl !== undefined) return { stateDir, policyPath, policyExplicit, databaseUrl: explicitUrl, hostId };
  const databasePath = resolve(options.databasePath ?? nonEmpty(env.MC_DB_PATH) ?? join(stateDir, "mc.sqlite3"));
  // Percent-encoded, as the store opens it: a state dir named `x?mode=memory` is a file path, not a query.
  return { stateDir, policyPath, policyExplicit, databaseUrl: pathToFileURL(databasePath).href, databasePath, hostId };
}

/**
 * A database URL fit for messages and `mc doctor`: @mc/core's one redaction (user and password
 * before `@`, and the secret-bearing parameters of a libSQL or PostgreSQL URL).
 * @param url - the database URL
 * @returns the URL without its secrets
 */
export function redactDatabaseUrl(url: string): string {
  return redactUrl(url);
}
