import type { Client } from "@libsql/client";
import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type { EmbeddedMigration } from "./embedded-migration.js";
import { isBusyError } from "./connection.js";

/** The table drizzle records applied migrations in. */
export const MIGRATIONS_TABLE = "__drizzle_migrations";

// drizzle's libsql `migrate()` reads a folder; its dialect's `migrate()` takes the migrations
// themselves (as the expo and durable-object migrators pass them). Those members are marked
// internal in drizzle's types, hence this narrow view.
interface DrizzleInternals {
  dialect: {
    migrate(
      migrations: { sql: string[]; bps: boolean; folderMillis: number; hash: string }[],
      session: unknown,
      config: { migrationsTable: string },
    ): Promise<void>;
  };
  session: unknown;
}

const ATTEMPTS = 5;

/**
 * Applies every embedded migration the database has not recorded yet, with drizzle's own
 * migrator, so `__drizzle_migrations` is drizzle's bookkeeping. Safe when several processes
 * open the same new database at once: drizzle reads the last applied migration before taking
 * the write lock, so a process that lost the race fails on "table already exists"; running
 * the migrator again then sees the winner's record and does nothing.
 *
 * Given the libSQL client of a file database, it first reads SQLite's `user_version`: once these
 * migrations are applied it holds their {@link schemaVersion}, and an open that finds it there
 * skips the migrator (its CREATE TABLE IF NOT EXISTS, SELECT and empty write transaction, ~5 ms
 * of every one-shot CLI call). The version is written only after the migrator finished, so a
 * crash in between leaves the old value and the next open migrates (a no-op) again.
 * @param database - the drizzle database
 * @param migrations - the migrations, oldest first
 * @param client - the libSQL client of a file database, to read and record the schema version
 * @returns once the schema is current
 */
export async function applyMigrations(database: LibSQLDatabase, migrations: readonly EmbeddedMigration[], client?: Client): Promise<void> {
  const version = schemaVersion(migrations);
  if (client !== undefined && Number((await client.execute("PRAGMA user_version")).rows[0]?.[0]) === version) return;
  await migrate(database, migrations);
  // An integer from the migrations' own hashes, never text from outside.
  if (client !== undefined) await client.execute(`PRAGMA user_version = ${version}`);
}

/**
 * The value `user_version` holds once `migrations` are applied: a fingerprint (FNV-1a, 31 bits,
 * never 0, SQLite's default) of every migration's hash in order, so a database that another
 * set of migrations (an older or newer mc) left is migrated again.
 * @param migrations - the migrations, oldest first
 * @returns a positive 31-bit integer
 */
export function schemaVersion(migrations: readonly EmbeddedMigration[]): number {
  let hash = 0x811c9dc5;
  for (const character of migrations.map((migration) => migration.hash).join(",")) {
    hash ^= character.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash & 0x7fffffff || 1;
}

async function migrate(database: LibSQLDatabase, migrations: readonly EmbeddedMigration[]): Promise<void> {
  const internals = database as unknown as DrizzleInternals;
  const metas = migrations.map((migration) => ({
    sql: [...migration.sql],
    bps: migration.bps,
    folderMillis: migration.folderMillis,
    hash: migration.hash,
  }));
  for (let attempt = 1; ; attempt += 1) {
    try {
      await internals.dialect.migrate(metas, internals.session, { migrationsTable: MIGRATIONS_TABLE });
      return;
    } catch (error) {
      // Busy errors go to the connection, which reconnects and reruns the whole open.
      if (isBusyError(error) || attempt >= ATTEMPTS) {
        throw error;
      }
    }
  }
}
