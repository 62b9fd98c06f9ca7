import { fileURLToPath } from "node:url";

/**
 * Why a database URL cannot hold mc's approvals and audit journal because nothing in it
 * persists: `:memory:`, `file::memory:` (any query), `file:` with no path (SQLite's private
 * temporary database), `?mode=memory` and `?vfs=memdb`. An audit that vanishes with the process
 * is no audit, so the runtime refuses such a database instead of running tools against it.
 * @param url - the libSQL URL the runtime would open
 * @returns the reason to refuse it (`it is an in-memory database: …`, without the URL, which the
 *   message around it names), or undefined for a database that persists
 */
export function inMemoryDatabaseReason(url: string): string | undefined {
  // The reason does not repeat the URL: doctor and a call's error name it (redacted) already.
  const refuse = (what: string) =>
    `it is ${what}: approvals and the audit journal would vanish when the process exits, and an audit that does not persist is no audit; give a file path (MC_DB_PATH or a file: URL) or a database server`;
  const trimmed = url.trim();
  if (trimmed.toLowerCase().startsWith(":memory:")) return refuse("an in-memory database");
  if (!/^file:/i.test(trimmed)) return undefined;
  const [rawPath = "", query = ""] = splitOnce(trimmed.slice("file:".length), "?");
  const parameters = new URLSearchParams(query);
  if (parameters.get("mode")?.toLowerCase() === "memory") return refuse("an in-memory database (mode=memory)");
  if (parameters.get("vfs")?.toLowerCase() === "memdb") return refuse("an in-memory database (vfs=memdb)");
  let path: string;
  try {
    path = rawPath.startsWith("//") ? fileURLToPath(`file:${rawPath}`) : decodeURIComponent(rawPath);
  } catch {
    path = rawPath;
  }
  if (path.toLowerCase().startsWith(":memory:")) return refuse("an in-memory database");
  if (path === "") return refuse("a temporary database (no file name)");
  return undefined;
}

function splitOnce(text: string, separator: string): [string, string] {
  const index = text.indexOf(separator);
  return index === -1 ? [text, ""] : [text.slice(0, index), text.slice(index + 1)];
}
