import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { Pool, PoolClient } from "pg";
import { MIGRATIONS_TABLE } from "./apply-migrations.js";
import { redactUrl } from "./connection.js";
import type { EmbeddedMigration } from "./embedded-migration.js";
import { ApprovalError } from "./errors/approval-error.js";
import { POSTGRES_DIALECT } from "./postgres-dialect.js";
import type { Dialect, StoreConnection } from "./store-dialect.js";

/** How to reach the fleet's PostgreSQL database. */
export interface PostgresConnectionOptions {
  /** `postgres://` or `postgresql://` URL; credentials and TLS through it or the `PG*` variables. */
  url: string;
  /** How many times one operation is tried after it lost a race; default 8. */
  maxAttempts: number;
  /** Connections this process keeps open at most; default 4. */
  poolSize?: number;
  /** Told about each lost race that made an operation run again (for logs and tests). */
  onRetry?: (event: { attempt: number; retrying: boolean; error: unknown }) => void;
}

/** The schema drizzle keeps `__drizzle_migrations` in on PostgreSQL. */
const MIGRATIONS_SCHEMA = "drizzle";

/** Any fixed number, the same in every process: migrations take this advisory lock. */
const MIGRATION_LOCK = 7_140_352_017;

// SQLSTATEs after which the whole operation runs again: serialization_failure, deadlock_detected,
// and unique_violation (two processes asked for the same approval at once; the rerun finds it).
const RETRY_CODES = new Set(["40001", "40P01", "23505"]);

interface DrizzleInternals {
  dialect: {
    migrate(
      migrations: { sql: string[]; bps: boolean; folderMillis: number; hash: string }[],
      session: unknown,
      config: { migrationsTable: string; migrationsSchema: string },
    ): Promise<void>;
  };
  session: unknown;
}

/**
 * The fleet store's connection: a small `pg` pool, loaded only when a PostgreSQL URL is used
 * (the embedded store never imports it). Every operation runs whole and again from the start
 * when PostgreSQL reports that it lost a race; an unreachable database is an ApprovalError `store_failed`, so a
 * call that needs the store fails closed.
 */
export class PostgresConnection implements StoreConnection {
  /** The fleet store. */
  readonly dialect: Dialect = POSTGRES_DIALECT;
  readonly #options: PostgresConnectionOptions;
  readonly #pool: Pool;
  readonly #database: NodePgDatabase;
  readonly #drizzle: (client: PoolClient) => NodePgDatabase;

  private constructor(options: PostgresConnectionOptions, pool: Pool, drizzle: (client: Pool | PoolClient) => NodePgDatabase) {
    this.#options = options;
    this.#pool = pool;
    this.#database = drizzle(pool);
    this.#drizzle = drizzle;
  }

  /**
   * Loads `pg` and drizzle's node-postgres driver and checks the database answers.
   * @param options - URL, attempts, pool size
   * @returns the open connection
   * @throws ApprovalError `store_failed` when the driver cannot be loaded or the database cannot be reached
   */
  static async open(options: PostgresConnectionOptions): Promise<PostgresConnection> {
    let connection: PostgresConnection;
    try {
      const [pg, { drizzle }] = await Promise.all([import("pg"), import("drizzle-orm/node-postgres")]);
      const pool = new pg.default.Pool({ connectionString: options.url, max: options.poolSize ?? 4, connectionTimeoutMillis: 10_000 });
      // An idle connection the server dropped must not crash the process; the next query reconnects.
      pool.on("error", () => {});
      connection = new PostgresConnection(options, pool, (client) => drizzle(client));
      await pool.query("SELECT 1");
    } catch (error) {
      throw ApprovalError.storeFailed(`Cannot reach the database ${redactUrl(options.url)}: ${messageOf(error)}`, error);
    }
    return connection;
  }

  /**
   * Runs one operation, again from the start after a serialization failure, deadlock or unique
   * violation (its transaction rolled back).
   * @param operation - the whole unit of work, given the drizzle database
   * @returns what the operation returns
   * @throws ApprovalError `store_failed` when the database is unreachable or the race is lost every time
   */
  async run<T>(operation: (database: LibSQLDatabase, client: undefined, prepared: undefined) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await operation(this.#database as unknown as LibSQLDatabase, undefined, undefined);
      } catch (error) {
        const code = sqlState(error);
        if (code !== undefined && RETRY_CODES.has(code)) {
          this.#options.onRetry?.({ attempt, retrying: attempt < this.#options.maxAttempts, error });
          if (attempt < this.#options.maxAttempts) {
            await sleep(Math.floor(Math.random() * 20 * attempt));
            continue;
          }
          throw ApprovalError.storeFailed(
            `The database ${redactUrl(this.#options.url)} kept refusing the operation as a conflict through ${attempt} attempts.`,
            error,
          );
        }
        if (isUnreachable(error)) {
          throw ApprovalError.storeFailed(`The database ${redactUrl(this.#options.url)} is unreachable: ${messageOf(error)}`, error);
        }
        if (code !== undefined) {
          // drizzle's message is the whole statement with its parameters (an approval's
          // arguments): say what PostgreSQL said instead, e.g. a role's missing right.
          throw ApprovalError.storeFailed(`The database refused the operation: ${driverMessage(error)} (SQLSTATE ${code})`, error);
        }
        throw error;
      }
    }
  }

  /**
   * Applies the embedded PostgreSQL migrations with drizzle's migrator, one process at a time
   * (an advisory lock); when the newest is already recorded it only reads, so host and
   * operator roles without DDL rights can open a migrated database.
   * @param migrations - the migrations, oldest first
   * @returns once the schema is current
   */
  async migrate(migrations: readonly EmbeddedMigration[]): Promise<void> {
    const newest = migrations.at(-1)?.folderMillis ?? 0;
    const client = await this.#pool.connect();
    try {
      if ((await appliedUpTo(client)) >= newest) return;
      await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
      try {
        if ((await appliedUpTo(client)) >= newest) return;
        const internals = this.#drizzle(client) as unknown as DrizzleInternals;
        const metas = migrations.map((migration) => ({
          sql: [...migration.sql],
          bps: migration.bps,
          folderMillis: migration.folderMillis,
          hash: migration.hash,
        }));
        await internals.dialect.migrate(metas, internals.session, { migrationsTable: MIGRATIONS_TABLE, migrationsSchema: MIGRATIONS_SCHEMA });
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  /** Closes the pool (in the background: open queries finish first). */
  close(): void {
    this.#pool.end().catch(() => {});
  }
}

/** The newest migration recorded (its drizzle-kit timestamp), or 0 on a new database. */
async function appliedUpTo(client: PoolClient): Promise<number> {
  const table = `${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}`;
  const present = await client.query<{ present: boolean }>("SELECT to_regclass($1) IS NOT NULL AS present", [table]);
  if (present.rows[0]?.present !== true) return 0;
  const last = await client.query<{ last: string | null }>(`SELECT max(created_at)::text AS last FROM "${MIGRATIONS_SCHEMA}"."${MIGRATIONS_TABLE}"`);
  return Number(last.rows[0]?.last ?? 0);
}

/** The SQLSTATE of a PostgreSQL error, looked for along the cause chain (drizzle wraps driver errors). */
function sqlState(error: unknown): string | undefined {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 8; depth += 1) {
    const candidate = current as { code?: unknown; cause?: unknown };
    if (typeof candidate.code === "string" && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate.code;
    current = candidate.cause;
  }
  return undefined;
}

/** The driver's own message, from the innermost error that carries a SQLSTATE. */
function driverMessage(error: unknown): string {
  let message = messageOf(error);
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 8; depth += 1) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof candidate.code === "string" && typeof candidate.message === "string") message = candidate.message;
    current = candidate.cause;
  }
  return message;
}

function isUnreachable(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 8; depth += 1) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (
      typeof candidate.code === "string" &&
      (/^(ECONN|ETIMEDOUT|ENOTFOUND|EAI_|EHOSTUNREACH|ENETUNREACH|EPIPE)/.test(candidate.code) || /^(08|57P)/.test(candidate.code))
    ) {
      return true;
    }
    if (typeof candidate.message === "string" && /Connection terminated|timeout exceeded when trying to connect/i.test(candidate.message)) return true;
    current = candidate.cause;
  }
  return false;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
