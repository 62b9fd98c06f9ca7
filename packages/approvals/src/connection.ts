import type { Client, Config, ResultSet } from "@libsql/client";
import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { errorMessage, redactUrl } from "@mc/core";
import { ApprovalError } from "./errors/approval-error.js";
import { localDatabasePath, PreparedStatements } from "./prepared-statements.js";
import type { NativeDatabaseClass } from "./prepared-statements.js";
import { LIBSQL_DIALECT } from "./store-dialect.js";
import type { Dialect, StoreConnection } from "./store-dialect.js";

interface Driver {
  createClient: (config: Config) => Client;
  drizzle: (client: Client) => LibSQLDatabase;
  /** For `file:`: the native Database class under the client, for statements prepared once. */
  Database?: NativeDatabaseClass;
}

/**
 * The libSQL client and drizzle driver for a URL: the local-only builds for `file:` (they skip
 * the remote protocol stack, ~70 ms of imports on every CLI start), the full ones for servers.
 * For `file:` also the native `libsql` module, which the local client loads anyway.
 */
async function loadDriver(url: string): Promise<Driver> {
  if (url.startsWith("file:")) {
    const [{ createClient }, { drizzle }, { default: Database }] = await Promise.all([
      import("@libsql/client/sqlite3"),
      import("drizzle-orm/libsql/sqlite3"),
      import("libsql"),
    ]);
    return { createClient, drizzle: (client) => drizzle(client), Database };
  }
  const [{ createClient }, { drizzle }] = await Promise.all([import("@libsql/client"), import("drizzle-orm/libsql")]);
  return { createClient, drizzle: (client) => drizzle(client) };
}

/**
 * One unit of work on a libSQL database: given drizzle's database, the client under it and, for a
 * file, the statements prepared once on a native connection beside the client (which lives and
 * dies with it).
 */
type LibsqlOperation<T> = (database: LibSQLDatabase, client: Client, prepared: PreparedStatements | undefined) => Promise<T>;

/** A drizzle handle on the database or on an open transaction. */
export type DatabaseExecutor = BaseSQLiteDatabase<"async", ResultSet>;

/** How to reach the database. */
export interface ConnectionOptions {
  /** libSQL URL: `file:`, `libsql:`, `http:` or `https:`. */
  url: string;
  /** Token for a remote libSQL server. */
  authToken?: string;
  /** How long a statement waits for another process's lock before SQLITE_BUSY. */
  busyTimeoutMs: number;
  /** How many times one operation is tried, each on a fresh client. */
  maxAttempts: number;
  /** Told about each SQLITE_BUSY that made the connection reconnect (for logs and tests). */
  onBusy?: (event: BusyEvent) => void;
}

/** One SQLITE_BUSY met by an operation. */
export interface BusyEvent {
  /** Which attempt of the operation met it, from 1. */
  attempt: number;
  /** Whether the operation will be tried again on a new client. */
  retrying: boolean;
  /** The libSQL error. */
  error: unknown;
}

// Operations on one database are serialized within a process, across every Connection to it.
// SQLite's busy wait blocks the thread: an operation waiting for a lock that another operation
// of the SAME process holds (an open transaction on another pooled connection) would stall the
// event loop until the busy timeout, and a reconnect would close the client under the holder.
const operationQueues = new Map<string, Promise<void>>();

/**
 * Owns the libSQL client and runs every database operation, so that the one rule that keeps
 * concurrent processes from losing writes lives in one place: after SQLITE_BUSY the client is
 * thrown away, a new one is opened, and the WHOLE operation runs again on it. A client that
 * once reported SQLITE_BUSY was seen to report `UPDATE … RETURNING` rows that were never
 * stored (docs: TOOLCHAIN "libSQL loses writes after SQLITE_BUSY"), so it is never reused.
 * A file database's client comes with statements prepared once on a native connection of their
 * own (the audit append's): they are discarded, reopened and closed together with the client.
 */
export class Connection implements StoreConnection {
  /** The embedded libSQL store. */
  readonly dialect: Dialect = LIBSQL_DIALECT;
  readonly #options: ConnectionOptions;
  readonly #isFile: boolean;
  readonly #driver: Driver;
  readonly #localPath: string | undefined;
  #client: Client;
  #database: LibSQLDatabase;
  #prepared: PreparedStatements | undefined;

  private constructor(options: ConnectionOptions, driver: Driver) {
    this.#options = options;
    this.#isFile = options.url.startsWith("file:");
    this.#driver = driver;
    this.#localPath = driver.Database === undefined ? undefined : localDatabasePath(options.url);
    this.#client = this.#createClient();
    this.#database = driver.drizzle(this.#client);
    this.#prepared = this.#createPrepared();
  }

  /**
   * Opens a client and, for a file database, switches it to WAL so readers never block the
   * writer and processes wait on each other through the busy timeout.
   * @param options - URL, token, busy timeout and attempt limit
   * @returns the open connection
   */
  static async open(options: ConnectionOptions): Promise<Connection> {
    let connection: Connection;
    try {
      connection = new Connection(options, await loadDriver(options.url));
    } catch (error) {
      throw ApprovalError.storeFailed(`Cannot open the database ${redactUrl(options.url)}: ${errorMessage(error)}${nativeBindingHint(error)}`, error);
    }
    if (connection.#isFile) {
      // journal_mode is stored in the file, so setting it through any one connection is enough.
      await connection.run(async () => {
        await connection.#client.execute("PRAGMA journal_mode=WAL");
      });
    }
    return connection;
  }

  /**
   * Runs one operation, retrying it on a fresh client after SQLITE_BUSY. The operation must be
   * safe to run again from the start: a busy error means its transaction did not commit.
   * Operations on the same database run one at a time within this process.
   * @param operation - the whole unit of work, given the drizzle database, its libSQL client and (for a file) the statements prepared beside it
   * @returns what the operation returns
   * @throws ApprovalError `store_failed` when the database stays busy for every attempt
   */
  async run<T>(operation: LibsqlOperation<T>): Promise<T> {
    const key = this.#options.url;
    const previous = operationQueues.get(key) ?? Promise.resolve();
    let release = (): void => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    operationQueues.set(key, tail);
    await previous;
    try {
      return await this.#runWithRetries(operation);
    } finally {
      release();
      if (operationQueues.get(key) === tail) {
        operationQueues.delete(key);
      }
    }
  }

  async #runWithRetries<T>(operation: LibsqlOperation<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await operation(this.#database, this.#client, this.#prepared);
      } catch (error) {
        if (!isBusyError(error)) {
          throw error;
        }
        this.#reconnect();
        this.#options.onBusy?.({ attempt, retrying: attempt < this.#options.maxAttempts, error });
        if (attempt >= this.#options.maxAttempts) {
          throw ApprovalError.storeFailed(`The database ${redactUrl(this.#options.url)} stayed locked by other processes through ${attempt} attempts.`, error);
        }
        // Jitter so processes that collided do not collide again in step.
        await sleep(Math.floor(Math.random() * 20 * attempt));
      }
    }
  }

  /** Closes the client and its prepared statements' connection; later operations fail. */
  close(): void {
    this.#prepared?.close();
    this.#client.close();
  }

  #createClient(): Client {
    return this.#driver.createClient({
      url: this.#options.url,
      ...(this.#options.authToken === undefined ? {} : { authToken: this.#options.authToken }),
      timeout: this.#options.busyTimeoutMs,
      intMode: "number",
    });
  }

  // Opens nothing yet: the native connection opens at its first statement.
  #createPrepared(): PreparedStatements | undefined {
    const Database = this.#driver.Database;
    if (Database === undefined || this.#localPath === undefined) return undefined;
    return new PreparedStatements({ Database, path: this.#localPath, busyTimeoutMs: this.#options.busyTimeoutMs });
  }

  #reconnect(): void {
    this.#prepared?.close();
    try {
      this.#client.close();
    } catch {
      // the old client is being discarded either way
    }
    this.#client = this.#createClient();
    this.#database = this.#driver.drizzle(this.#client);
    this.#prepared = this.#createPrepared();
  }
}

/**
 * What to do when libSQL's native binding is missing: it is the one part of mc that cannot be
 * inlined into the single-file bundle, so `node mc.mjs` needs it installed beside it.
 */
function nativeBindingHint(error: unknown): string {
  const match = /Cannot find module '(@libsql\/[^']+|libsql)'/.exec(errorMessage(error));
  if (match === null) return "";
  return ` (libSQL's native module ${match[1]} is not installed where mc runs; next to a single-file mc.mjs, run \`npm install libsql\` in its directory)`;
}

/**
 * Whether an error (or any error in its cause chain, as drizzle wraps driver errors) is
 * SQLite's "database is busy/locked".
 * @param error - anything thrown by a database call
 * @returns true for SQLITE_BUSY and its extended codes
 */
export function isBusyError(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 8; depth += 1) {
    const candidate = current as { code?: unknown; extendedCode?: unknown; rawCode?: unknown; message?: unknown; cause?: unknown };
    for (const code of [candidate.code, candidate.extendedCode]) {
      if (typeof code === "string" && code.startsWith("SQLITE_BUSY")) {
        return true;
      }
    }
    if (typeof candidate.rawCode === "number" && (candidate.rawCode & 0xff) === 5) {
      return true;
    }
    if (typeof candidate.message === "string" && /database is locked|SQLITE_BUSY/.test(candidate.message)) {
      return true;
    }
    current = candidate.cause;
  }
  return false;
}

// One redaction for every database URL mc shows (the store's errors, doctor): @mc/core's.
export { redactUrl };

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
