import * as pgSchema from "./schema-pg.js";
import type { ApprovalsTable, AuditEventsTable, Dialect } from "./store-dialect.js";

// Its own module, imported only with the PostgreSQL connection: drizzle's pg-core is loaded
// only when a PostgreSQL URL is used, never by the embedded store.
// drizzle renders each statement with the database's dialect and the columns' own names, so
// the PostgreSQL tables can stand in where the libSQL table types are expected.
/** The fleet store on PostgreSQL: every host's approvals, one audit chain per host. */
export const POSTGRES_DIALECT: Dialect = {
  name: "postgres",
  approvals: pgSchema.approvals as unknown as ApprovalsTable,
  auditEvents: pgSchema.auditEvents as unknown as AuditEventsTable,
  chainPerHost: true,
  postgres: { auditEvents: pgSchema.auditEvents, auditHead: pgSchema.auditHead },
};
