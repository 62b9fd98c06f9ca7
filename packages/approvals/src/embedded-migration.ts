/**
 * One migration as drizzle's `readMigrationFiles` returns it (drizzle-orm's `MigrationMeta`),
 * plus the drizzle-kit tag it came from.
 */
export interface EmbeddedMigration {
  /** drizzle-kit's name for it, e.g. `0000_initial`. */
  readonly tag: string;
  /** The SQL statements, split at drizzle-kit's statement breakpoints. */
  readonly sql: readonly string[];
  /** Whether drizzle-kit wrote statement breakpoints. */
  readonly bps: boolean;
  /** drizzle-kit's timestamp; drizzle applies every migration newer than the last one recorded. */
  readonly folderMillis: number;
  /** sha256 of the SQL file, recorded in `__drizzle_migrations`. */
  readonly hash: string;
}
