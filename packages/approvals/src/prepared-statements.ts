import type Database from "libsql";

/** The `libsql` package's Database class: the native connection @libsql/client's file backend is built on. */
export type NativeDatabaseClass = typeof Database;

/** Where and how the native connection opens: the same file and busy timeout as the client's. */
export interface PreparedStatementsOptions {
  /** The `libsql` Database class (loaded with the client's driver). */
  Database: NativeDatabaseClass;
  /** The database file. */
  path: string;
  /** How long a statement waits for another process's lock before SQLITE_BUSY. */
  busyTimeoutMs: number;
}

/**
 * Statements prepared once and run again with new values, on a native libSQL connection of their
 * own beside a @libsql/client client, which prepares every statement anew on every `execute`
 * (SQL parsing, a native statement and its wrapper per call). The connection opens at the first
 * statement, with the client's busy timeout and `synchronous=FULL`; statements are kept by their
 * SQL, so the cache holds one entry per distinct statement and does not grow per call. It lives
 * and dies with its client: the store's connection closes both after SQLITE_BUSY (a connection
 * that once reported it may lose writes) and on close, and a closed cache never reopens.
 */
export class PreparedStatements {
  readonly #options: PreparedStatementsOptions;
  readonly #statements = new Map<string, Database.Statement>();
  #database: Database.Database | undefined;
  #closed = false;

  /**
   * @param options - the native Database class, the file and the busy timeout
   */
  constructor(options: PreparedStatementsOptions) {
    this.#options = options;
  }

  /**
   * Runs a statement that returns no rows (an INSERT, UPDATE or DELETE), preparing it on first use.
   * Values are bound as @libsql/client binds them with `intMode: "number"`.
   * @param sql - the statement, with `?` placeholders
   * @param args - one value per placeholder
   * @returns how many rows it changed (SQLite's changes(), as the client's `rowsAffected`)
   * @throws the native SqliteError (e.g. SQLITE_BUSY) as libSQL reports it; an Error with code
   *   CLIENT_CLOSED after `close()`
   */
  run(sql: string, args: readonly unknown[]): number {
    if (this.#closed) throw closedError();
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#open().prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement.run(args.map(toSqlValue)).changes;
  }

  /**
   * Runs several statements that return no rows in one write transaction (BEGIN IMMEDIATE … COMMIT,
   * one commit and one fsync for all), each prepared once; rolled back when any of them fails.
   * @param statements - each statement's SQL (`?` placeholders) and values, in order
   * @returns how many rows each changed, in the same order
   * @throws as `run` does; nothing of the transaction is kept then
   */
  runInWriteTransaction(statements: readonly { sql: string; args: readonly unknown[] }[]): number[] {
    this.run("BEGIN IMMEDIATE", []);
    try {
      const changes = statements.map(({ sql, args }) => this.run(sql, args));
      this.run("COMMIT", []);
      return changes;
    } catch (error) {
      const database = this.#database;
      if (database?.open === true && database.inTransaction) {
        try {
          database.exec("ROLLBACK");
        } catch {
          // the connection is discarded by the caller's retry or close either way
        }
      }
      throw error;
    }
  }

  /** How many distinct statements are prepared (one per SQL text, however often each runs). */
  get size(): number {
    return this.#statements.size;
  }

  /**
   * The native connection's durability settings, opening it if need be (per connection, so only it can tell; the tests check it is FULL and WAL).
   * @returns `synchronous` (2 is FULL) and `journal_mode` as SQLite reports them
   */
  durability(): { synchronous: number; journalMode: string } {
    if (this.#closed) throw closedError();
    const database = this.#open();
    const { synchronous } = database.prepare("PRAGMA synchronous").get() as { synchronous: number };
    const { journal_mode: journalMode } = database.prepare("PRAGMA journal_mode").get() as { journal_mode: string };
    return { synchronous, journalMode };
  }

  /** Closes the native connection and forgets its statements; later statements fail. */
  close(): void {
    this.#closed = true;
    // Statements keep the native connection alive until they are collected: forget them all, so
    // nothing can run on it again.
    this.#statements.clear();
    const database = this.#database;
    this.#database = undefined;
    try {
      if (database?.open === true) database.close();
    } catch {
      // it is being discarded either way
    }
  }

  #open(): Database.Database {
    if (this.#database === undefined) {
      const { Database: NativeDatabase, path, busyTimeoutMs } = this.#options;
      const database = new NativeDatabase(path, { timeout: busyTimeoutMs });
      try {
        // SQLite's default, said out loud: a commit is durable when the append returns.
        database.exec("PRAGMA synchronous=FULL");
      } catch (error) {
        database.close();
        throw error;
      }
      this.#database = database;
    }
    return this.#database;
  }
}

// The local file path of a `file:` URL as @libsql/client reads it (its own RFC 3986 parse: relative
// paths allowed, percent-decoded, query and fragment ignored); undefined for in-memory databases
// and anything else the native connection should not open on its own.
const FILE_URL = /^file:(\/\/(?<authority>[^/?#]*))?(?<path>[^?#]*)(\?[^#]*)?(#.*)?$/su;

/**
 * The file a `file:` URL opens, as @libsql/client reads it.
 * @param url - a libSQL URL
 * @returns the path, or undefined for an in-memory or non-file database
 */
export function localDatabasePath(url: string): string | undefined {
  const match = FILE_URL.exec(url);
  const authority = match?.groups?.["authority"];
  if (match === null || (authority !== undefined && authority !== "" && authority.toLowerCase() !== "localhost")) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(match.groups?.["path"] ?? "");
  } catch {
    return undefined;
  }
  return path === "" || path.startsWith(":memory:") ? undefined : path;
}

// As @libsql/client's sqlite3 backend converts an argument with intMode "number".
function toSqlValue(value: unknown): unknown {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError("Only finite numbers (not Infinity or NaN) can be passed as arguments");
    return value;
  }
  if (typeof value === "bigint") {
    if (value < -9223372036854775808n || value > 9223372036854775807n) {
      throw new RangeError("bigint is too large to be represented as a 64-bit integer and passed as argument");
    }
    return value;
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  if (value === undefined) throw new TypeError("undefined cannot be passed as argument to the database");
  return value;
}

function closedError(): Error {
  return Object.assign(new Error("The database connection is closed"), { code: "CLIENT_CLOSED" });
}
