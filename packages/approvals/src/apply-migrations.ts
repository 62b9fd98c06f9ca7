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
 * @param database - the drizzle database
 * @param migrations - the migrations, oldest first
 * @returns once the schema is current
 */
export async function applyMigrations(database: LibSQLDatabase, migrations: readonly EmbeddedMigration[]): Promise<void> {
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
