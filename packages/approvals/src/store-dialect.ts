import type { Client } from "@libsql/client";
import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type { DatabaseExecutor } from "./connection.js";
import type { PreparedStatements } from "./prepared-statements.js";
import type * as PgSchema from "./schema-pg.js";
import * as sqliteSchema from "./schema.js";

/** The approvals table, typed as the libSQL one (the PostgreSQL one has the same columns). */
export type ApprovalsTable = typeof sqliteSchema.approvals;
/** The audit events table, typed as the libSQL one (the PostgreSQL one has the same columns). */
export type AuditEventsTable = typeof sqliteSchema.auditEvents;

/**
 * What differs between the two stores. The queue and journal code is written once against
 * drizzle's query builder, which renders each statement in the database's own dialect; only
 * the chain head (one chain per database file, or one per host) differs in shape.
 */
export interface Dialect {
  /** `libsql` (the embedded default) or `postgres` (the fleet store). */
  readonly name: "libsql" | "postgres";
  /** The approvals table of this dialect. */
  readonly approvals: ApprovalsTable;
  /** The audit events table of this dialect. */
  readonly auditEvents: AuditEventsTable;
  /** One hash chain per host (PostgreSQL) rather than one per database (libSQL). */
  readonly chainPerHost: boolean;
  /** PostgreSQL's own tables, with their real types (only the PostgreSQL dialect has them). */
  readonly postgres?: { readonly auditEvents: typeof PgSchema.auditEvents; readonly auditHead: typeof PgSchema.auditHead };
}

/** The embedded libSQL store: one host's database, one audit chain. */
export const LIBSQL_DIALECT: Dialect = {
  name: "libsql",
  approvals: sqliteSchema.approvals,
  auditEvents: sqliteSchema.auditEvents,
  chainPerHost: false,
};

/** A database (or open transaction) with its dialect and the host this store acts as. */
export interface Scope {
  /** The drizzle database or transaction (a PostgreSQL one is typed as libSQL's, see above). */
  database: DatabaseExecutor;
  /** Its dialect. */
  dialect: Dialect;
  /** The host this store records and claims as (MC_HOST_ID). */
  host: string;
}

/** The database behind a store: runs operations, retrying those that lost a race. */
export interface StoreConnection {
  /** Which store this is. */
  readonly dialect: Dialect;
  /**
   * Runs one whole operation, again from the start when it lost a race the database reports
   * (libSQL busy; PostgreSQL serialization failure, deadlock or unique violation).
   * @param operation - the unit of work, given the database (and, for a libSQL file, the client
   *   and the statements prepared once on a native connection beside it)
   * @returns what the operation returns
   */
  run<T>(operation: (database: LibSQLDatabase, client: Client | undefined, prepared: PreparedStatements | undefined) => Promise<T>): Promise<T>;
  /** Closes the connection; later operations fail. */
  close(): void;
}
