import { InputError } from "@mc/core";
import { chmodSync, closeSync, constants, mkdirSync, openSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { applyMigrations } from "./apply-migrations.js";
import { createApprovalStore } from "./approval-store.js";
import type { ApprovalStore } from "./approval-store.js";
import { Connection, redactUrl } from "./connection.js";
import type { BusyEvent } from "./connection.js";
import { EMBEDDED_MIGRATIONS } from "./embedded-migrations.js";
import { ApprovalError } from "./errors/approval-error.js";

/** Where the database is and how to talk to it. Give exactly one of `path` and `url`. */
export interface OpenStoreOptions {
  /** An embedded database file (created with mode 0600, its directory 0700 when missing). */
  path?: string;
  /**
   * A libSQL URL (`file:`, prepared like `path`; `libsql:`, `http:`, `https:`) or a PostgreSQL
   * one (`postgres://` or `postgresql://`, the fleet store; credentials and TLS through the URL
   * or the usual `PG*` variables, e.g. `PGPASSWORD`, `PGSSLMODE`).
   */
  url?: string;
  /**
   * The host this store records every approval and audit event as, and the only host whose
   * approvals it claims (MC_HOST_ID); default the machine's hostname.
   */
  hostId?: string;
  /** Token for a remote libSQL server. */
  authToken?: string;
  /** The clock; tests inject one to move through expiry. */
  now?: () => Date;
  /** How long a statement waits for another process's lock; default 5,000 ms. */
  busyTimeoutMs?: number;
  /** How many times one operation may run after SQLITE_BUSY (or a lost PostgreSQL race); default 8. */
  maxAttempts?: number;
  /** Told about every SQLITE_BUSY (each one discards the client), e.g. to log contention. */
  onBusy?: (event: BusyEvent) => void;
}

const URL_SCHEMES = ["file:", "libsql:", "http:", "https:", "postgres:", "postgresql:"];

/** What a host id may be: a hostname-like name, so it is safe in tables, URLs and terminals. */
export const HOST_ID_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,251}[A-Za-z0-9])?$/;

/**
 * Whether a URL names the PostgreSQL (fleet) store.
 * @param url - a database URL
 * @returns true for `postgres://` and `postgresql://`
 */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:/i.test(url);
}

/**
 * Opens (creating if needed) the approvals and audit database and applies its migrations.
 * Safe when several processes open the same database at once.
 * @param options - `path` or `url`, and optional clock and busy settings
 * @returns the store; `close()` it when done
 * @throws InputError for bad options, ApprovalError `store_failed` when the database cannot be opened or migrated
 */
export async function openStore(options: OpenStoreOptions): Promise<ApprovalStore> {
  const url = databaseUrl(options);
  const host = options.hostId ?? hostname();
  if (!HOST_ID_PATTERN.test(host)) {
    throw new InputError(`The host id ${JSON.stringify(host)} is not a host name (letters, digits, '.', '_', '-'; at most 253 characters).`, [
      { path: "hostId", message: "not a host name" },
    ]);
  }
  if (isPostgresUrl(url)) {
    // Loaded only here: the embedded store never imports the PostgreSQL driver nor drizzle's pg-core.
    const [{ PostgresConnection }, { EMBEDDED_PG_MIGRATIONS }] = await Promise.all([import("./postgres-connection.js"), import("./embedded-migrations-pg.js")]);
    const connection = await PostgresConnection.open({
      url,
      maxAttempts: options.maxAttempts ?? 8,
      ...(options.onBusy === undefined ? {} : { onRetry: options.onBusy }),
    });
    try {
      await connection.migrate(EMBEDDED_PG_MIGRATIONS);
    } catch (error) {
      connection.close();
      throw ApprovalError.storeFailed(`Cannot migrate the database ${redactUrl(url)}: ${(error as Error).message}`, error);
    }
    return createApprovalStore(connection, options.now ?? (() => new Date()), host);
  }
  const connection = await Connection.open({
    url,
    ...(options.authToken === undefined ? {} : { authToken: options.authToken }),
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
    maxAttempts: options.maxAttempts ?? 8,
    ...(options.onBusy === undefined ? {} : { onBusy: options.onBusy }),
  });
  try {
    // A file database records its schema version (user_version) and skips the migrator when current.
    await connection.run((database, client) => applyMigrations(database, EMBEDDED_MIGRATIONS, url.startsWith("file:") ? client : undefined));
  } catch (error) {
    connection.close();
    if (ApprovalError.isInstance(error) && error.code === "store_failed") {
      throw error;
    }
    throw ApprovalError.storeFailed(`Cannot migrate the database ${options.path ?? "at the given URL"}: ${(error as Error).message}`, error);
  }
  return createApprovalStore(connection, options.now ?? (() => new Date()), host);
}

function databaseUrl(options: OpenStoreOptions): string {
  if ((options.path === undefined) === (options.url === undefined)) {
    throw new InputError("Give the database as exactly one of `path` and `url`.", [{ path: "path", message: "exactly one of path and url" }]);
  }
  if (options.url !== undefined) {
    if (!URL_SCHEMES.some((scheme) => options.url?.toLowerCase().startsWith(scheme))) {
      throw new InputError(`The database URL must start with ${URL_SCHEMES.join(", ")}.`, [{ path: "url", message: "unsupported scheme" }]);
    }
    const filePath = filePathOf(options.url);
    if (filePath !== undefined) {
      prepareFile(filePath);
    }
    return options.url;
  }
  const path = resolve(options.path ?? "");
  if (options.path === "") {
    throw new InputError("The database path is empty.", [{ path: "path", message: "empty" }]);
  }
  prepareFile(path);
  // Percent-encoded: libSQL reads `?` as the start of a query, `#` as a fragment and decodes
  // `%xx`, so `file:${path}` opened `a b/` for a directory named `a%20b`.
  return pathToFileURL(path).href;
}

// A `file:` URL names an embedded database just as `path` does, and gets the same directory
// and mode; `:memory:` and URL forms with a host are left to libSQL.
function filePathOf(url: string): string | undefined {
  if (!url.startsWith("file:")) {
    return undefined;
  }
  const withoutQuery = url.split("?")[0] ?? "";
  if (withoutQuery.startsWith("file://")) {
    try {
      return fileURLToPath(withoutQuery);
    } catch {
      return undefined;
    }
  }
  const path = decodeURIComponent(withoutQuery.slice("file:".length));
  return path === "" || path === ":memory:" ? undefined : resolve(path);
}

// The journal holds who ran what on this host: keep it private to its owner from the start.
function prepareFile(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    let descriptor: number;
    try {
      descriptor = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") {
        return;
      }
      throw error;
    }
    closeSync(descriptor);
    chmodSync(path, 0o600);
  } catch (error) {
    throw ApprovalError.storeFailed(`Cannot create the database file ${path}: ${(error as Error).message}`, error);
  }
}
