import { join } from "node:path";
import { resolveRuntimePaths, type RuntimePaths } from "./runtime-paths.js";

/** Query parameters of a database URL that carry secrets: never printed. */
const SECRET_PARAMETER = /token|pass|secret|key/i;

/**
 * The command an operator runs, as printed, from their own shell to approve a request: `mc
 * approvals approve ID`, preceded by `MC_STATE_DIR=…` when the runtime's state dir is not the
 * default and by `MC_DB_PATH=…` / `MC_DB_URL=…` when its database is not the state dir's. Values
 * are quoted for a POSIX shell. A database URL is printed without its password or token
 * parameters (never hand a secret to an agent): the operator supplies those (e.g. `PGPASSWORD`,
 * `~/.pgpass`).
 * @param id - the approval id
 * @param paths - the runtime's resolved paths
 * @param env - the runtime's environment (its `HOME` and `XDG_STATE_HOME` give the default state dir)
 * @returns the command line
 */
export function approveCommand(id: string, paths: RuntimePaths, env: Readonly<Record<string, string | undefined>>): string {
  return `${locationPrefix(paths, env)}mc approvals approve ${id}`;
}

/**
 * The `NAME=value ` assignments that point an operator's `mc` at this runtime's state, or "".
 * @param paths - the runtime's resolved paths
 * @param env - the runtime's environment
 * @returns the assignments, each followed by a space
 */
export function locationPrefix(paths: RuntimePaths, env: Readonly<Record<string, string | undefined>>): string {
  const defaults = resolveRuntimePaths({}, { HOME: env.HOME, XDG_STATE_HOME: env.XDG_STATE_HOME });
  const assignments: string[] = [];
  if (paths.stateDir !== defaults.stateDir) assignments.push(`MC_STATE_DIR=${shellQuote(paths.stateDir)}`);
  if (paths.databasePath === undefined) assignments.push(`MC_DB_URL=${shellQuote(withoutSecrets(paths.databaseUrl))}`);
  else if (paths.databasePath !== join(paths.stateDir, "mc.sqlite3")) assignments.push(`MC_DB_PATH=${shellQuote(paths.databasePath)}`);
  return assignments.map((assignment) => `${assignment} `).join("");
}

/**
 * Quotes a word for a POSIX shell: bare when it holds only characters no shell treats specially,
 * else in single quotes (a `'` inside becomes `'\''`).
 * @param word - any string
 * @returns the quoted word
 */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_/.,:@%+=-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function withoutSecrets(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/[^/@]*@/, "//");
  }
  parsed.password = "";
  for (const name of [...parsed.searchParams.keys()]) if (SECRET_PARAMETER.test(name)) parsed.searchParams.delete(name);
  return parsed.toString();
}
