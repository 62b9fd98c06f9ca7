import { InputError } from "@mc/core";
import { chmodSync, closeSync, constants, mkdirSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { applyMigrations } from "./apply-migrations.js";
import { ApprovalStore } from "./approval-store.js";
import { Connection } from "./connection.js";
import type { BusyEvent } from "./connection.js";
import { EMBEDDED_MIGRATIONS } from "./embedded-migrations.js";
import { StoreError } from "./errors/store-error.js";

/** Where the database is and how to talk to it. Give exactly one of `path` and `url`. */
export interface OpenStoreOptions {
  /** An embedded database file (created with mode 0600, its directory 0700 when missing). */
  path?: string;
  /** A libSQL URL: `file:` (prepared like `path`), `libsql:`, `http:` or `https:`. */
  url?: string;
  /** Token for a remote libSQL server. */
  authToken?: string;
  /** The clock; tests inject one to move through expiry. */
  now?: () => Date;
  /** How long a statement waits for another process's lock; default 5,000 ms. */
  busyTimeoutMs?: number;
  /** How many fresh clients one operation may take after SQLITE_BUSY; default 8. */
  maxAttempts?: number;
  /** Told about every SQLITE_BUSY (each one discards the client), e.g. to log contention. */
  onBusy?: (event: BusyEvent) => void;
}

const URL_SCHEMES = ["file:", "libsql:", "http:", "https:"];

/**
 * Opens (creating if needed) the approvals and audit database and applies its migrations.
 * Safe when several processes open the same database at once.
 * @param options - `path` or `url`, and optional clock and busy settings
 * @returns the store; `close()` it when done
 * @throws InputError for bad options, StoreError when the database cannot be opened or migrated
 */
export async function openStore(options: OpenStoreOptions): Promise<ApprovalStore> {
  const url = databaseUrl(options);
  const connection = await Connection.open({
    url,
    ...(options.authToken === undefined ? {} : { authToken: options.authToken }),
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
    maxAttempts: options.maxAttempts ?? 8,
    ...(options.onBusy === undefined ? {} : { onBusy: options.onBusy }),
  });
  try {
    await connection.run((database) => applyMigrations(database, EMBEDDED_MIGRATIONS));
  } catch (error) {
    connection.close();
    if (StoreError.isInstance(error)) {
      throw error;
    }
    throw new StoreError(`Cannot migrate the database ${options.path ?? "at the given URL"}: ${(error as Error).message}`, error);
  }
  return new ApprovalStore(connection, options.now ?? (() => new Date()));
}

function databaseUrl(options: OpenStoreOptions): string {
  if ((options.path === undefined) === (options.url === undefined)) {
    throw new InputError("Give the database as exactly one of `path` and `url`.", [{ path: "path", message: "exactly one of path and url" }]);
  }
  if (options.url !== undefined) {
    if (!URL_SCHEMES.some((scheme) => options.url?.startsWith(scheme))) {
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
  return `file:${path}`;
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
    throw new StoreError(`Cannot create the database file ${path}: ${(error as Error).message}`, error);
  }
}
